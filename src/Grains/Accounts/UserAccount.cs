namespace ItSchool.Accounts;

public sealed record UserAccount(
    Guid Id,
    Guid SchoolId,
    string UserName,
    string? Email,
    string FirstName,
    string LastName,
    Role Role,
    Guid SessionStamp)
{
    public string DisplayName => $"{FirstName} {LastName}";
}