using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>Pupils' cards: one active card per pupil; replacing a lost card stops the old UID at once.</summary>
public sealed class Cards(NpgsqlDataSource db, TimeProvider clock)
{
    public const int MaxUidLength = 40;
    public const int MaxSearchLength = 100;

    public sealed record PupilCard(Guid PupilId, string FirstName, string LastName, string ClassName, string? Uid);

    public async Task<IReadOnlyList<PupilCard>> ListAsync(Guid schoolId, string? search, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.first_name, p.last_name, p.class_name, c.uid
            FROM pupils p LEFT JOIN pupil_cards c ON c.pupil_id = p.id AND c.revoked_at IS NULL
            WHERE p.school_id = @school
              AND (@search = '' OR (p.first_name || ' ' || p.last_name || ' ' || p.class_name || ' ' || coalesce(c.uid, '')) ILIKE @like)
            ORDER BY p.class_name, p.last_name, p.first_name
            LIMIT 500
            """);
        var text = (search ?? "").Trim();
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("search", text);
        command.Parameters.AddWithValue("like", Search.Contains(text));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cards = new List<PupilCard>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cards.Add(new PupilCard(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return cards;
    }

    /// <summary>Gives the pupil this card (replacing any other); false if the UID is another pupil's active card.</summary>
    public async Task<CardProblem?> AssignAsync(Guid schoolId, Guid pupilId, string uid, CancellationToken cancellationToken = default)
    {
        uid = uid.Trim().ToUpperInvariant();
        if (uid.Length is < 4 or > MaxUidLength || !uid.All(char.IsAsciiLetterOrDigit))
        {
            return CardProblem.InvalidUid;
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("""
            SELECT (SELECT EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school)),
                   (SELECT pupil_id FROM pupil_cards WHERE school_id = @school AND upper(uid) = @uid AND revoked_at IS NULL)
            """, connection, transaction))
        {
            check.Parameters.AddWithValue("pupil", pupilId);
            check.Parameters.AddWithValue("school", schoolId);
            check.Parameters.AddWithValue("uid", uid);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0))
            {
                return CardProblem.UnknownPupil;
            }
            if (!reader.IsDBNull(1))
            {
                return reader.GetGuid(1) == pupilId ? null : CardProblem.UidTaken;
            }
        }
        await using (var replace = new NpgsqlCommand("""
            UPDATE pupil_cards SET revoked_at = @now WHERE pupil_id = @pupil AND school_id = @school AND revoked_at IS NULL;
            INSERT INTO pupil_cards (school_id, uid, pupil_id, assigned_at) VALUES (@school, @uid, @pupil, @now);
            """, connection, transaction))
        {
            replace.Parameters.AddWithValue("now", clock.GetUtcNow());
            replace.Parameters.AddWithValue("pupil", pupilId);
            replace.Parameters.AddWithValue("school", schoolId);
            replace.Parameters.AddWithValue("uid", uid);
            await replace.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return null;
    }
}

public enum CardProblem
{
    InvalidUid,
    UidTaken,
    UnknownPupil,
}