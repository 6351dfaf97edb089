using System.Numerics;

namespace ItSchool.Wallets;

/// <summary>An IBAN (ISO 13616): country, two check digits (the number mod 97 must be 1) and the account.</summary>
public static class Iban
{
    /// <summary>The IBAN in its electronic form (no spaces, upper case), or null if it is not a valid one.</summary>
    public static string? Normalize(string? text)
    {
        var iban = new string((text ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray()).ToUpperInvariant();
        if (iban.Length is < 15 or > 34 || !char.IsAsciiLetterUpper(iban[0]) || !char.IsAsciiLetterUpper(iban[1])
            || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3]) || !iban.All(char.IsAsciiLetterOrDigit))
        {
            return null;
        }
        // Belgian accounts are always 16 characters; other countries have their own lengths.
        if (iban.StartsWith("BE", StringComparison.Ordinal) && iban.Length != 16)
        {
            return null;
        }
        var rearranged = iban[4..] + iban[..4];
        var digits = string.Concat(rearranged.Select(c => char.IsAsciiDigit(c) ? c.ToString() : (c - 'A' + 10).ToString()));
        return BigInteger.Parse(digits) % 97 == 1 ? iban : null;
    }

    public static string Format(string iban) => string.Join(' ', iban.Chunk(4).Select(part => new string(part)));
}