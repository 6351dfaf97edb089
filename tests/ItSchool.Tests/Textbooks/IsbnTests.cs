using ItSchool.Textbooks;

namespace ItSchool.Tests.Textbooks;

public sealed class IsbnTests
{
    [Theory]
    [InlineData("978-2-8041-6934-3", "9782804169343")]
    [InlineData("978 90 306 8431 2", "9789030684312")]
    [InlineData("2-04-012344-X", "204012344X")]
    [InlineData("2-04-012344-x", "204012344X")]
    [InlineData("0306406152", "0306406152")]
    public void A_valid_isbn_is_kept_without_its_hyphens_and_spaces(string typed, string stored) => Assert.Equal(stored, Isbn.Normalize(typed));

    [Theory]
    [InlineData("978-2-8041-6934-4")] // the check digit is wrong
    [InlineData("978-2-8041-9634-3")] // two digits swapped
    [InlineData("2-04-012344-9")]
    [InlineData("20401234X4")] // X is only ever the last character of an ISBN-10
    [InlineData("97828041693")]
    [InlineData("97828041693431")]
    [InlineData("978-2-8041-6934-A")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_not_an_isbn(string? typed) => Assert.Null(Isbn.Normalize(typed));
}