using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Events;

/// <summary>The outcome of saving a draft: the event stored, or every problem found (nothing stored), or no such event.</summary>
public sealed record EventSave(SchoolEvent? Saved, IReadOnlyList<EventRefusal> Problems, bool NotFound = false);

/// <summary>
/// The school's events: the manager's list and changes, and what a pupil's family sees. Every query is scoped by
/// school; a draft is checked against the school's classes and pupils in the transaction that stores it.
/// </summary>
public sealed class SchoolEvents(NpgsqlDataSource db)
{
    const string Columns = """
        e.id, e.school_id, e.title, e.body, e.all_day, e.starts_at, e.ends_at, e.audience, e.classes, e.pupils,
        e.link_code, e.link_argument, e.sequence, e.updated_at
        """;

    /// <summary>
    /// Stores a new event (<paramref name="isNew"/>) or replaces the one with the draft's id in its school; the link
    /// must be one of <paramref name="offered"/> (the pages the school has on, as the form offered them).
    /// </summary>
    public async Task<EventSave> SaveAsync(EventDraft draft, bool isNew, IReadOnlyCollection<EventLink> offered, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var (problems, allDay, starts, ends) = EventRules.Check(draft);
        if (draft.Link is { } link && !offered.Contains(link))
        {
            problems.Add(new(EventProblem.UnknownLink));
        }
        var classes = draft.Audience == EventAudience.Classes ? draft.Classes.Select(c => c.Trim()).Distinct().ToArray() : [];
        var pupils = draft.Audience == EventAudience.Pupils ? draft.Pupils.Distinct().ToArray() : [];

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!isNew)
        {
            // The row stays locked until the commit: a delete or a second save in between waits, then finds what this one left.
            await using var exists = new NpgsqlCommand("SELECT 1 FROM school_events WHERE id = @id AND school_id = @school FOR UPDATE", connection);
            exists.Parameters.AddWithValue("id", draft.Id);
            exists.Parameters.AddWithValue("school", draft.SchoolId);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                return new EventSave(null, [], NotFound: true);
            }
        }
        if (classes.Length > 0)
        {
            await using var known = new NpgsqlCommand("""
                SELECT c FROM unnest(@classes) c
                WHERE NOT EXISTS (SELECT 1 FROM pupils WHERE school_id = @school AND class_name = c)
                """, connection);
            known.Parameters.AddWithValue("classes", classes);
            known.Parameters.AddWithValue("school", draft.SchoolId);
            var unknown = new List<string>();
            await using (var reader = await known.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    unknown.Add(reader.GetString(0));
                }
            }
            if (unknown.Count > 0)
            {
                problems.Add(new(EventProblem.UnknownClass, string.Join(", ", unknown)));
            }
        }
        if (pupils.Length > 0)
        {
            // A pupil of another school is as unknown as an id that names nobody.
            await using var known = new NpgsqlCommand(
                "SELECT count(*)::int FROM pupils WHERE school_id = @school AND id = ANY(@pupils)", connection);
            known.Parameters.AddWithValue("pupils", pupils);
            known.Parameters.AddWithValue("school", draft.SchoolId);
            if ((int)(await known.ExecuteScalarAsync(cancellationToken))! != pupils.Length)
            {
                problems.Add(new(EventProblem.UnknownPupil));
            }
        }
        if (problems.Count > 0)
        {
            return new EventSave(null, problems);
        }

        await using var save = new NpgsqlCommand(isNew
            ? """
              INSERT INTO school_events (id, school_id, title, body, all_day, starts_at, ends_at, audience, classes, pupils,
                                         link_code, link_argument, created_at, updated_at)
              VALUES (@id, @school, @title, @body, @all_day, @starts, @ends, @audience, @classes, @pupils, @link_code, @link_argument, @now, @now)
              """
            : """
              UPDATE school_events SET title = @title, body = @body, all_day = @all_day, starts_at = @starts, ends_at = @ends,
                     audience = @audience, classes = @classes, pupils = @pupils, link_code = @link_code, link_argument = @link_argument,
                     sequence = sequence + 1, updated_at = @now
              WHERE id = @id AND school_id = @school
              """, connection);
        save.Parameters.AddWithValue("id", draft.Id);
        save.Parameters.AddWithValue("school", draft.SchoolId);
        save.Parameters.AddWithValue("title", draft.Title.Trim());
        save.Parameters.AddWithValue("body", draft.Text.Trim());
        save.Parameters.AddWithValue("all_day", allDay);
        save.Parameters.AddWithValue("starts", starts);
        save.Parameters.AddWithValue("ends", ends);
        save.Parameters.AddWithValue("audience", ToDatabase(draft.Audience));
        save.Parameters.AddWithValue("classes", classes);
        save.Parameters.AddWithValue("pupils", pupils);
        save.Parameters.Add(new NpgsqlParameter("link_code", NpgsqlDbType.Text) { Value = (object?)draft.Link?.Code ?? DBNull.Value });
        save.Parameters.Add(new NpgsqlParameter("link_argument", NpgsqlDbType.Text) { Value = (object?)draft.Link?.Argument ?? DBNull.Value });
        save.Parameters.AddWithValue("now", now);
        await save.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new EventSave(await FindAsync(draft.SchoolId, draft.Id, cancellationToken), []);
    }

    /// <summary>Deletes the event if it is this school's; false when there is none.</summary>
    public async Task<bool> DeleteAsync(Guid schoolId, Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("DELETE FROM school_events WHERE id = @id AND school_id = @school");
        command.Parameters.AddWithValue("id", eventId);
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<SchoolEvent?> FindAsync(Guid schoolId, Guid eventId, CancellationToken cancellationToken = default) =>
        (await QueryAsync($"SELECT {Columns} FROM school_events e WHERE e.school_id = @school AND e.id = @id",
            cancellationToken, ("school", schoolId), ("id", eventId))).SingleOrDefault();

    /// <summary>Every event of the school, soonest first.</summary>
    public Task<IReadOnlyList<SchoolEvent>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM school_events e WHERE e.school_id = @school ORDER BY e.starts_at, e.title",
            cancellationToken, ("school", schoolId));

    /// <summary>The events meant for this pupil (the school's, their class's, their own) that end after <paramref name="endingAfter"/>, soonest first.</summary>
    public Task<IReadOnlyList<SchoolEvent>> ForPupilAsync(Guid schoolId, Guid pupilId, DateTimeOffset endingAfter,
        CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {Columns} FROM school_events e
            JOIN pupils p ON p.id = @pupil AND p.school_id = e.school_id
            WHERE e.school_id = @school AND e.ends_at > @after
              AND (e.audience = 'school' OR (e.audience = 'classes' AND p.class_name = ANY (e.classes))
                   OR (e.audience = 'pupils' AND p.id = ANY (e.pupils)))
            ORDER BY e.starts_at, e.title
            """, cancellationToken, ("school", schoolId), ("pupil", pupilId), ("after", endingAfter));

    async Task<IReadOnlyList<SchoolEvent>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<SchoolEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new SchoolEvent(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6), FromDatabase(reader.GetString(7)),
                reader.GetFieldValue<string[]>(8), reader.GetFieldValue<Guid[]>(9),
                reader.IsDBNull(10) ? null : new EventLink(reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)),
                reader.GetInt32(12), reader.GetFieldValue<DateTimeOffset>(13)));
        }
        return events;
    }

    static string ToDatabase(EventAudience audience) => audience switch
    {
        EventAudience.Classes => "classes",
        EventAudience.Pupils => "pupils",
        _ => "school",
    };

    static EventAudience FromDatabase(string audience) => audience switch
    {
        "classes" => EventAudience.Classes,
        "pupils" => EventAudience.Pupils,
        _ => EventAudience.School,
    };
}