using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Events;

/// <summary>
/// The demo school's events, as the platform's dashboard shows them: the Chromebooks' hand-out for everyone, the
/// parents' evening (opening the meetings page when the demo has one), 4B's two days away, and a morning for 6A.
/// </summary>
public static class DemoEvents
{
    public static async Task SeedAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await DemoSchool.LockForSeedAsync(connection, "SELECT EXISTS (SELECT 1 FROM school_events WHERE school_id = @school)", cancellationToken))
        {
            return;
        }
        var today = SchoolTime.Day(now);
        Guid? evening = null;
        var eveningDay = today.AddDays(14);
        await using (var find = new NpgsqlCommand(
            "SELECT id, days[1] FROM meeting_evenings WHERE school_id = @school ORDER BY days[1] LIMIT 1", connection))
        {
            find.Parameters.AddWithValue("school", DemoSchool.Id);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                (evening, eveningDay) = (reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1));
            }
        }
        var events = new[]
        {
            (Title: "Location Chromebooks", Text: "Remise des Chromebooks loués : à la salle d'étude, avec la convention signée.", AllDay: true,
                Starts: SchoolTime.Midnight(today.AddDays(5)), Ends: SchoolTime.Midnight(today.AddDays(6)), Audience: "school",
                Classes: Array.Empty<string>(), LinkCode: (string?)null, LinkArgument: (string?)null),
            ("Réunion de parents", "Rencontrez les titulaires et les professeurs ; réservez vos rendez-vous en ligne.", false,
                SchoolTime.Moment(eveningDay, new TimeOnly(17, 0)), SchoolTime.Moment(eveningDay, new TimeOnly(20, 0)), "school",
                [], evening is null ? null : EventLink.Meeting, evening?.ToString()),
            ("Classe de dépaysement à Han-sur-Lesse", "Deux jours aux grottes et au parc animalier. Départ à 8 h devant l'école.", true,
                SchoolTime.Midnight(today.AddDays(21)), SchoolTime.Midnight(today.AddDays(23)), "classes", ["4B"], null, null),
            ("Visite de la bibliothèque communale", "Matinée à la bibliothèque ; prévoir un pique-nique.", false,
                SchoolTime.Moment(today.AddDays(9), new TimeOnly(9, 0)), SchoolTime.Moment(today.AddDays(9), new TimeOnly(12, 0)), "classes",
                ["6A"], null, null),
        };
        foreach (var e in events)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO school_events (id, school_id, title, body, all_day, starts_at, ends_at, audience, classes, link_code, link_argument,
                                           created_at, updated_at)
                VALUES (@id, @school, @title, @body, @all_day, @starts, @ends, @audience, @classes, @link_code, @link_argument, @now, @now)
                """, connection);
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("school", DemoSchool.Id);
            insert.Parameters.AddWithValue("title", e.Title);
            insert.Parameters.AddWithValue("body", e.Text);
            insert.Parameters.AddWithValue("all_day", e.AllDay);
            insert.Parameters.AddWithValue("starts", e.Starts);
            insert.Parameters.AddWithValue("ends", e.Ends);
            insert.Parameters.AddWithValue("audience", e.Audience);
            insert.Parameters.AddWithValue("classes", e.Classes);
            insert.Parameters.AddWithValue("link_code", (object?)e.LinkCode ?? DBNull.Value);
            insert.Parameters.AddWithValue("link_argument", (object?)e.LinkArgument ?? DBNull.Value);
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}