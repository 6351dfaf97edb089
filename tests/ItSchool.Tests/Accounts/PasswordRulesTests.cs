using ItSchool.Accounts;

namespace ItSchool.Tests.Accounts;

public sealed class PasswordRulesTests
{
    [Theory]
    [InlineData("short1", PasswordProblem.TooWeak)]
    [InlineData("onlyletterslong", PasswordProblem.TooWeak)]
    [InlineData("1234567890123", PasswordProblem.TooWeak)]
    [InlineData("x-amelie.lefevre-9", PasswordProblem.ContainsUserName)]
    public void Weak_passwords_are_refused_with_their_reason(string password, PasswordProblem expected) =>
        Assert.Equal(expected, PasswordRules.Check(password, password, "amelie.lefevre"));

    [Fact]
    public void Two_different_entries_are_refused() =>
        Assert.Equal(PasswordProblem.ConfirmationDiffers, PasswordRules.Check("Bruxelles2026", "Bruxelles2025", "amelie.lefevre"));

    [Fact]
    public void A_long_password_with_letters_and_digits_is_accepted() =>
        Assert.Null(PasswordRules.Check("Bruxelles2026", "Bruxelles2026", "amelie.lefevre"));
}