namespace ItSchool.Accounts;

public sealed record UserAccount(
    Guid Id,
    Guid SchoolId,
    string UserName,
    string? Email,
    string FirstName,
    string LastName,
    Role Role)
{
    public string DisplayName => $"{FirstName} {LastName}";
}