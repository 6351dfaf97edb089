using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

public sealed class StructuredCommunicationTests
{
    [Theory]
    [InlineData(1234567890L, "+++123/4567/89002+++")]
    [InlineData(97L, "+++000/0000/09797+++")]
    [InlineData(1000000001L, "+++100/0000/00135+++")]
    public void The_check_is_the_number_mod_97_or_97(long number, string expected) =>
        Assert.Equal(expected, StructuredCommunication.From(number).ToString());

    [Theory]
    [InlineData("+++123/4567/89002+++")]
    [InlineData("***123/4567/89002***")]
    [InlineData("123456789002")]
    [InlineData(" 123 4567 89002 ")]
    public void Bank_layouts_are_read(string text)
    {
        Assert.True(StructuredCommunication.TryParse(text, out var communication));
        Assert.Equal(1234567890L, communication.Number);
    }

    [Theory]
    [InlineData("+++123/4567/89003+++")]
    [InlineData("+++123/4567/8900+++")]
    [InlineData("facture 123456789002")]
    [InlineData("")]
    public void Anything_else_is_refused(string text) => Assert.False(StructuredCommunication.TryParse(text, out _));
}