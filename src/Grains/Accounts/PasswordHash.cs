using System.Security.Cryptography;

namespace ItSchool.Accounts;

/// <summary>
/// Salted PBKDF2-HMAC-SHA512, stored as <c>pbkdf2-sha512$iterations$salt$hash</c> so the cost can rise
/// later without invalidating existing passwords.
/// </summary>
public static class PasswordHash
{
    // OWASP's 2023 guidance for PBKDF2-HMAC-SHA512.
    const int Iterations = 210_000;
    const int SaltBytes = 16;
    const int HashBytes = 32;
    const string Scheme = "pbkdf2-sha512";

    // Verified against when the user does not exist, so that an unknown name costs the same time as a wrong password.
    static readonly string Decoy = Create(Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)));

    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string? stored)
    {
        var parts = (stored ?? Decoy).Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected) && stored is not null;
    }
}