using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ItSchool.Notifications;

/// <summary>
/// The one-click unsubscribe link of a non-essential mail: it names a user and a kind (or <see cref="Digest"/>), signed
/// with HMAC-SHA256 under the installation's own secret (drawn by migration 0092, the same for every node, never a
/// default), so that it works without signing in and nobody can turn off another's mail or another kind.
/// </summary>
public static class UnsubscribeLinks
{
    /// <summary>The digest's own link: it turns off the e-mail of every kind the user reads in the digest.</summary>
    public const string Digest = "digest";

    /// <summary>Under the school's address.</summary>
    public const string Path = "notifications/desabonner";

    public static async Task<byte[]> KeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT secret FROM installation_secrets WHERE name = 'unsubscribe'", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken) as byte[]
            ?? throw new InvalidOperationException("The installation has no unsubscribe secret: migration 0092 draws it.");
    }

    public static string Url(string home, Guid userId, string code, byte[] key) =>
        $"{home}/{Path}?u={userId:N}&k={Uri.EscapeDataString(code)}&s={Signature(key, userId, code)}";

    /// <summary>Whether the signature is the installation's for this user and kind (or digest), compared in constant time.</summary>
    public static async Task<bool> IsGenuineAsync(NpgsqlDataSource db, Guid userId, string code, string signature, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var expected = Encoding.ASCII.GetBytes(Signature(await KeyAsync(connection, null, cancellationToken), userId, code));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    static string Signature(byte[] key, Guid userId, string code) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"unsubscribe:{userId:N}:{code}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}