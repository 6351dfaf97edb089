using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ItSchool.Notifications.Push;

/// <summary>A device on which a user allowed notifications, as their list shows it.</summary>
public sealed record PushDevice(Guid Id, string Device, string Endpoint, DateTimeOffset AddedOn);

/// <summary>Why a subscription the browser sent was not kept.</summary>
public enum PushRefusal
{
    /// <summary>Not an https address of a public host.</summary>
    Endpoint,

    /// <summary>The keys are not a P-256 public key and a 16-byte secret.</summary>
    Keys,
}

/// <summary>The users' devices: one row per endpoint, owned by the user who last subscribed it.</summary>
public sealed class PushSubscriptions(NpgsqlDataSource db, IOptions<PushSettings> options, TimeProvider clock)
{
    /// <summary>More than a family's phones, tablets and computers; fewer than would let one user make the server flood a host.</summary>
    public const int MaxDevicesPerUser = 10;

    /// <summary>
    /// Keeps the browser's subscription for the user. An endpoint another account held (the device changed hands, or
    /// its user changed school) is that account's no longer: its row goes, with what was still on its way to it.
    /// </summary>
    public async Task<PushRefusal?> SaveAsync(Guid schoolId, Guid userId, string? endpoint, string? p256dh, string? auth, string device,
        CancellationToken cancellationToken = default)
    {
        if (!PushEndpoints.IsAcceptable(endpoint, options.Value.AllowLocalEndpoints))
        {
            return PushRefusal.Endpoint;
        }
        if (!IsPoint(p256dh) || !IsKey(auth, 16, null))
        {
            return PushRefusal.Keys;
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var moved = new NpgsqlCommand(
            "DELETE FROM push_subscriptions WHERE endpoint = @endpoint AND (school_id <> @school OR user_id <> @user)", connection, transaction))
        {
            moved.Parameters.AddWithValue("endpoint", endpoint!);
            moved.Parameters.AddWithValue("school", schoolId);
            moved.Parameters.AddWithValue("user", userId);
            await moved.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var save = new NpgsqlCommand("""
            INSERT INTO push_subscriptions (id, school_id, user_id, endpoint, p256dh, auth, device, created_at)
            VALUES (@id, @school, @user, @endpoint, @p256dh, @auth, @device, @now)
            ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device
            """, connection, transaction))
        {
            var now = clock.GetUtcNow();
            save.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
            save.Parameters.AddWithValue("school", schoolId);
            save.Parameters.AddWithValue("user", userId);
            save.Parameters.AddWithValue("endpoint", endpoint!);
            save.Parameters.AddWithValue("p256dh", p256dh!.TrimEnd('='));
            save.Parameters.AddWithValue("auth", auth!.TrimEnd('='));
            save.Parameters.AddWithValue("device", device.Length > 100 ? device[..100] : device);
            save.Parameters.AddWithValue("now", now);
            await save.ExecuteNonQueryAsync(cancellationToken);
        }
        // Each device is one more call per notice: a user posting endpoints by the thousand would make the server flood
        // them. Past the limit the oldest device goes, as a replaced phone's would.
        await using (var trim = new NpgsqlCommand("""
            DELETE FROM push_subscriptions WHERE id IN (
                SELECT id FROM push_subscriptions WHERE school_id = @school AND user_id = @user
                ORDER BY created_at DESC, id DESC OFFSET @limit)
            """, connection, transaction))
        {
            trim.Parameters.AddWithValue("school", schoolId);
            trim.Parameters.AddWithValue("user", userId);
            trim.Parameters.AddWithValue("limit", MaxDevicesPerUser);
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<IReadOnlyList<PushDevice>> ListAsync(Guid schoolId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, device, endpoint, created_at FROM push_subscriptions
            WHERE school_id = @school AND user_id = @user ORDER BY created_at, id
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<PushDevice>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new PushDevice(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return devices;
    }

    /// <summary>Removes one of the user's own devices; false when the id is not one of theirs (someone else's changes nothing).</summary>
    public Task<bool> RemoveAsync(Guid schoolId, Guid userId, Guid id, CancellationToken cancellationToken = default) =>
        DeleteAsync("id = @key", id, schoolId, userId, cancellationToken);

    /// <summary>"Désactiver sur cet appareil": the browser unsubscribed and names its endpoint.</summary>
    public Task<bool> RemoveEndpointAsync(Guid schoolId, Guid userId, string endpoint, CancellationToken cancellationToken = default) =>
        DeleteAsync("endpoint = @key", endpoint, schoolId, userId, cancellationToken);

    async Task<bool> DeleteAsync(string match, object key, Guid schoolId, Guid userId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"DELETE FROM push_subscriptions WHERE {match} AND school_id = @school AND user_id = @user");
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>The device's key: an uncompressed P-256 point that is on the curve, or the encryption would fail at every send.</summary>
    static bool IsPoint(string? value)
    {
        if (!IsKey(value, 65, 0x04))
        {
            return false;
        }
        var point = Base64Url.DecodeFromChars(value!.TrimEnd('='));
        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33], Y = point[33..65] },
            });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    static bool IsKey(string? value, int length, byte? first)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200)
        {
            return false;
        }
        try
        {
            // Browsers send base64url; some polyfills keep the padding.
            var bytes = Base64Url.DecodeFromChars(value.TrimEnd('='));
            return bytes.Length == length && (first is null || bytes[0] == first);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}