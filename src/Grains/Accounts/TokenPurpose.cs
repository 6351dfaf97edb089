namespace ItSchool.Accounts;

public enum TokenPurpose
{
    Invitation,
    Reset,
}