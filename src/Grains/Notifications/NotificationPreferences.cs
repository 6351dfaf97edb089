using Npgsql;

namespace ItSchool.Notifications;

/// <summary>How a user hears of one kind: by e-mail at once, in the digest or not at all; and whether by push.</summary>
public sealed record KindChoice(EmailChoice Email, bool Push)
{
    public static readonly KindChoice Default = new(EmailChoice.Immediate, true);
}

/// <summary>A user's notification settings; what they never chose has its default.</summary>
public sealed record NotificationSettings(IReadOnlyDictionary<NotificationKind, KindChoice> Kinds, QuietHours? Quiet, TimeOnly DigestAt)
{
    public static readonly TimeOnly DefaultDigestAt = new(18, 0);

    public static readonly NotificationSettings Default = new(new Dictionary<NotificationKind, KindChoice>(), null, DefaultDigestAt);

    public KindChoice For(NotificationKind kind) => Kinds.GetValueOrDefault(kind) ?? KindChoice.Default;
}

/// <summary>The users' notification settings (migration 0092): read by the routing in the sender's transaction, written by their page.</summary>
public sealed class NotificationPreferences(NpgsqlDataSource db)
{
    public async Task<NotificationSettings> ReadAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, null, userId, cancellationToken);
    }

    public static async Task<NotificationSettings> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid userId,
        CancellationToken cancellationToken)
    {
        var kinds = new Dictionary<NotificationKind, KindChoice>();
        await using (var command = new NpgsqlCommand("SELECT kind, email, push FROM notification_preferences WHERE user_id = @user", connection, transaction))
        {
            command.Parameters.AddWithValue("user", userId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (NotificationKinds.FromCode(reader.GetString(0)) is { } kind)
                {
                    kinds[kind] = new KindChoice(Enum.Parse<EmailChoice>(reader.GetString(1), ignoreCase: true), reader.GetBoolean(2));
                }
            }
        }
        await using (var command = new NpgsqlCommand("SELECT quiet_start, quiet_end, digest_at FROM notification_settings WHERE user_id = @user",
            connection, transaction))
        {
            command.Parameters.AddWithValue("user", userId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var quiet = reader.IsDBNull(0) ? null : new QuietHours(reader.GetFieldValue<TimeOnly>(0), reader.GetFieldValue<TimeOnly>(1));
                return new NotificationSettings(kinds, quiet, reader.GetFieldValue<TimeOnly>(2));
            }
        }
        return NotificationSettings.Default with { Kinds = kinds };
    }

    /// <summary>Replaces the user's settings with these, every kind written out.</summary>
    public async Task SaveAsync(Guid userId, NotificationSettings settings, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("""
            INSERT INTO notification_settings (user_id, quiet_start, quiet_end, digest_at, updated_at) VALUES (@user, @start, @end, @digest, @now)
            ON CONFLICT (user_id) DO UPDATE SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, digest_at = excluded.digest_at,
                updated_at = excluded.updated_at
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("user", userId);
            command.Parameters.AddWithValue("start", settings.Quiet is { } quiet ? quiet.Start : (object)DBNull.Value);
            command.Parameters.AddWithValue("end", settings.Quiet is { } q ? q.End : (object)DBNull.Value);
            command.Parameters.AddWithValue("digest", settings.DigestAt);
            command.Parameters.AddWithValue("now", now);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var kind in NotificationKinds.All)
        {
            await SetAsync(connection, transaction, userId, kind, settings.For(kind), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Turns the kind's e-mail off (an unsubscribe link); answers whether it was on.</summary>
    public async Task<bool> TurnEmailOffAsync(Guid userId, NotificationKind kind, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = (await ReadAsync(connection, transaction, userId, cancellationToken)).For(kind);
        if (current.Email == EmailChoice.Off)
        {
            return false;
        }
        await SetAsync(connection, transaction, userId, kind, current with { Email = EmailChoice.Off }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Turns off the e-mail of every kind the user hears of in the digest (the digest's own unsubscribe link); answers how many.</summary>
    public async Task<int> TurnDigestOffAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var settings = await ReadAsync(connection, transaction, userId, cancellationToken);
        var digested = NotificationKinds.All.Where(kind => settings.For(kind).Email == EmailChoice.Digest).ToList();
        foreach (var kind in digested)
        {
            await SetAsync(connection, transaction, userId, kind, settings.For(kind) with { Email = EmailChoice.Off }, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return digested.Count;
    }

    static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid userId, NotificationKind kind, KindChoice choice,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO notification_preferences (user_id, kind, email, push) VALUES (@user, @kind, @email, @push)
            ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email, push = excluded.push
            """, connection, transaction);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("kind", kind.Code());
        command.Parameters.AddWithValue("email", choice.Email.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("push", choice.Push);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}