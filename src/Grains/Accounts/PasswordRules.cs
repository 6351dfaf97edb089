namespace ItSchool.Accounts;

/// <summary>The one rule for a new password, shown as it is to the person choosing one.</summary>
public static class PasswordRules
{
    public const int MinimumLength = 10;

    public static PasswordProblem? Check(string? password, string? confirmation, string userName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength
            || !password.Any(char.IsLetter) || !password.Any(char.IsDigit))
        {
            return PasswordProblem.TooWeak;
        }
        // Published in the README: an account that chose it would be open to anyone.
        if (password == Schools.DemoSchool.Password)
        {
            return PasswordProblem.Published;
        }
        if (password.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            return PasswordProblem.ContainsUserName;
        }
        if (password != confirmation)
        {
            return PasswordProblem.ConfirmationDiffers;
        }
        return null;
    }
}

public enum PasswordProblem
{
    TooWeak,
    ContainsUserName,
    Published,
    ConfirmationDiffers,
}