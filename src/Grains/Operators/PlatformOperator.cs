namespace ItSchool.Operators;

/// <summary>The person who runs the installation (<c>/plateforme</c>); belongs to no school.</summary>
public sealed record PlatformOperator(Guid Id, string UserName, string Email, string FirstName, string LastName, Guid SessionStamp)
{
    public string DisplayName => $"{FirstName} {LastName}";
}

public sealed record NewOperator(string UserName, string Email, string FirstName, string LastName, string Password, string Confirmation)
{
    public NewOperator Tidied() => this with
    {
        UserName = UserName.Trim(),
        Email = Email.Trim(),
        FirstName = FirstName.Trim(),
        LastName = LastName.Trim(),
    };
}

public enum OperatorProblem
{
    LinkInvalid,
    Incomplete,
    UserNameInvalid,
    EmailInvalid,
}