using ItSchool.Accounts;

namespace ItSchool.Tests.Accounts;

public sealed class LoginTokenTests
{
    [Fact]
    public void A_new_token_reads_as_four_groups_of_four_and_never_repeats()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => LoginToken.Create()).ToList();
        Assert.All(tokens, token => Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", token));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Theory]
    [InlineData("  K7QX-M2PA-9RTD-4HWE  ")]
    [InlineData("k7qx m2pa 9rtd 4hwe")]
    [InlineData("K7QXM2PA9RTD4HWE")]
    public void Spaces_dashes_and_case_are_forgiven(string typed) =>
        Assert.Equal("K7QXM2PA9RTD4HWE", LoginToken.Normalize(typed));

    [Fact]
    public void Letters_that_look_like_digits_read_as_digits() =>
        Assert.Equal(LoginToken.Normalize("10A0-0000-0000-0000"), LoginToken.Normalize("lOAo-oooo-oooo-oooo"));

    [Theory]
    [InlineData("")]
    [InlineData("K7QX-M2PA-9RTD")]
    [InlineData("K7QX-M2PA-9RTD-4HWE-XXXX")]
    [InlineData("K7QX-M2PA-9RTD-4HW!")]
    [InlineData("K7QX-M2PA-9RTD-4HWU")]
    public void Anything_else_is_not_a_token(string typed) => Assert.Null(LoginToken.Normalize(typed));
}