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

    /// <summary>The language the person chose (fr-BE, nl-BE, en-BE); null: their school's.</summary>
    public string? Language { get; init; }
}