using System.Security.Cryptography;
using System.Text;

namespace ItSchool.Platform;

/// <summary>
/// The secret in a calendar feed's address (the meals', the events'): 32 random bytes in base64url, of which the
/// database keeps only the SHA-256, so that a copy of the database opens no family's calendar.
/// </summary>
public static class FeedTokens
{
    public static string Draw() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>43 characters of A–Z, a–z, 0–9, '-' and '_'.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}