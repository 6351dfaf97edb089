using System.Security.Cryptography;
using System.Text;

namespace ItSchool.Accounts;

/// <summary>
/// The text form of a one-time login token ("jeton de connexion"): 80 random bits in Crockford's base 32,
/// shown as four groups of four (<c>K7QX-M2PA-9RTD-4HWE</c>) so that it can be read, typed and pasted.
/// </summary>
public static class LoginToken
{
    const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const int Length = 16;

    public static string Create()
    {
        var text = new StringBuilder(Length + 3);
        foreach (var index in Enumerable.Range(0, Length).Select(_ => RandomNumberGenerator.GetInt32(Alphabet.Length)))
        {
            if (text.Length is 4 or 9 or 14)
            {
                text.Append('-');
            }
            text.Append(Alphabet[index]);
        }
        return text.ToString();
    }

    /// <summary>
    /// What a person typed, made comparable: spaces, dashes and case are forgiven, and the letters that
    /// look like digits (O, I, L) read as those digits, as Crockford's alphabet intends.
    /// </summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null)
        {
            return null;
        }
        var normalized = new StringBuilder(Length);
        foreach (var c in typed.ToUpperInvariant())
        {
            var mapped = c switch { 'O' => '0', 'I' or 'L' => '1', _ => c };
            if (mapped is ' ' or '-' or '\t' or '\r' or '\n')
            {
                continue;
            }
            if (!Alphabet.Contains(mapped))
            {
                return null;
            }
            normalized.Append(mapped);
        }
        return normalized.Length == Length ? normalized.ToString() : null;
    }

    public static byte[] Hash(string normalized) => SHA256.HashData(Encoding.ASCII.GetBytes(normalized));
}