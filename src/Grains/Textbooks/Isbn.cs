namespace ItSchool.Textbooks;

/// <summary>
/// International Standard Book Numbers as a school types them ("978-2-09-171256-4", "2 04 012345 X"): ten characters whose
/// weighted sum (10 down to 1, X being 10) is a multiple of 11, or thirteen digits whose sum weighted 1, 3, 1, 3… is a
/// multiple of 10. A typo in one digit, or two neighbours swapped, fails the check.
/// </summary>
public static class Isbn
{
    /// <summary>The number without spaces and hyphens, when it is a valid ISBN-10 or ISBN-13; null otherwise.</summary>
    public static string? Normalize(string? text)
    {
        var compact = new string([.. (text ?? "").Where(c => c is not (' ' or '-' or '\u00a0')).Select(char.ToUpperInvariant)]);
        return compact.Length switch
        {
            10 when compact[..9].All(char.IsAsciiDigit) && (char.IsAsciiDigit(compact[9]) || compact[9] == 'X') && Check10(compact) => compact,
            13 when compact.All(char.IsAsciiDigit) && Check13(compact) => compact,
            _ => null,
        };
    }

    static bool Check10(string isbn) =>
        isbn.Select((c, i) => (c == 'X' ? 10 : c - '0') * (10 - i)).Sum() % 11 == 0;

    static bool Check13(string isbn) =>
        isbn.Select((c, i) => (c - '0') * (i % 2 == 0 ? 1 : 3)).Sum() % 10 == 0;
}