using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ItSchool.Notifications.Push;

/// <summary>A VAPID key pair in the form browsers and push services exchange it (base64url, RFC 8292).</summary>
public sealed record VapidKeyPair(string PublicKey, string PrivateKey)
{
    public static VapidKeyPair Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = key.ExportParameters(includePrivateParameters: true);
        return new VapidKeyPair(Base64Url.EncodeToString([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]), Base64Url.EncodeToString(parameters.D!));
    }

    /// <summary>Whether the two keys are a P-256 pair: the public point is the private scalar's.</summary>
    public bool IsValid()
    {
        try
        {
            var point = Base64Url.DecodeFromChars(PublicKey);
            var scalar = Base64Url.DecodeFromChars(PrivateKey);
            if (point.Length != 65 || point[0] != 0x04 || scalar.Length != 32)
            {
                return false;
            }
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = scalar });
            var derived = key.ExportParameters(includePrivateParameters: false).Q;
            return derived.X!.AsSpan().SequenceEqual(point.AsSpan(1, 32)) && derived.Y!.AsSpan().SequenceEqual(point.AsSpan(33, 32));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>
/// The installation's VAPID keys: those of the configuration, or else the pair the first node to need one made and
/// stored. Nodes starting together each offer a pair; the database keeps the first and every node reads that one, so
/// all sign with the key the browsers subscribed with.
/// </summary>
public sealed class VapidKeys(NpgsqlDataSource db, IOptions<PushSettings> options, TimeProvider clock)
{
    Task<VapidKeyPair>? current;

    public Task<VapidKeyPair> GetAsync()
    {
        var settings = options.Value;
        if (settings.HasConfiguredKeys)
        {
            return Task.FromResult(new VapidKeyPair(settings.PublicKey!.Trim(), settings.PrivateKey!.Trim()));
        }
        // Shared by every caller, so one caller's cancellation must not end it for the others.
        var loading = current ??= LoadOrCreateAsync(CancellationToken.None);
        // A load that failed (the database was away) is not kept: the next caller tries again.
        if (loading.IsFaulted || loading.IsCanceled)
        {
            Interlocked.CompareExchange(ref current, null, loading);
        }
        return loading;
    }

    async Task<VapidKeyPair> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var offered = VapidKeyPair.Create();
        // A node whose insert waited on another's sees neither row in its statement's snapshot: a second look finds it.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await OfferAsync(offered, cancellationToken) is { } kept)
            {
                return kept;
            }
        }
        throw new InvalidOperationException("The VAPID keys could not be read back from push_vapid_keys");
    }

    async Task<VapidKeyPair?> OfferAsync(VapidKeyPair offered, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            WITH offered AS (
                INSERT INTO push_vapid_keys (public_key, private_key, created_at) VALUES (@public, @private, @now)
                ON CONFLICT (singleton) DO NOTHING
                RETURNING public_key, private_key)
            SELECT public_key, private_key FROM offered
            UNION ALL
            SELECT public_key, private_key FROM push_vapid_keys WHERE NOT EXISTS (SELECT FROM offered)
            """);
        command.Parameters.AddWithValue("public", offered.PublicKey);
        command.Parameters.AddWithValue("private", offered.PrivateKey);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new VapidKeyPair(reader.GetString(0), reader.GetString(1)) : null;
    }
}