using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

public sealed class IbanTests
{
    [Theory]
    [InlineData("BE71 0961 2345 6769", "BE71096123456769")]
    [InlineData("be68539007547034", "BE68539007547034")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606")]
    public void Valid_accounts_are_normalized(string text, string expected) => Assert.Equal(expected, Iban.Normalize(text));

    [Theory]
    [InlineData("BE71 0961 2345 6768")]
    [InlineData("BE71 0961 2345 676")]
    [InlineData("1234 5678 9012 3456")]
    [InlineData("")]
    public void Anything_else_is_refused(string text) => Assert.Null(Iban.Normalize(text));
}