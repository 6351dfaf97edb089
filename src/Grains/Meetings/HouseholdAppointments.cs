using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// A parent's household as the meeting pages see it: the appointments of an evening for the children they
/// are guardian of, whichever guardian booked them, and who those other guardians are. A household is
/// defined child by child, so a co-guardian's bookings for a child this parent does not guard stay out.
/// </summary>
public sealed class HouseholdAppointments(NpgsqlDataSource db, MeetingEvenings evenings)
{
    /// <summary>The evening's appointments of the parent's children, and the parent's own (see <see cref="MeetingEvenings.LinesAsync"/>).</summary>
    public Task<IReadOnlyList<AppointmentLine>> LinesAsync(Guid schoolId, Guid eveningId, Guid parentId, CancellationToken cancellationToken = default) =>
        evenings.LinesAsync(schoolId, eveningId, householdOf: parentId, cancellationToken: cancellationToken);

    /// <summary>
    /// Marks the evening's summary opened now by this guardian for this child, if the child has an appointment that
    /// evening in this school; false (and nothing marked) otherwise. Each opening counts, not only the first: a
    /// booking after the last one makes the summary unread again (see <c>DocumentStore.ForChildAsync</c>).
    /// </summary>
    public async Task<bool> OpenSummaryAsync(Guid schoolId, Guid eveningId, Guid pupilId, Guid guardianId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH found AS (
                SELECT e.id FROM meeting_evenings e
                WHERE e.id = @evening AND e.school_id = @school
                  AND EXISTS (SELECT 1 FROM meeting_appointments a WHERE a.evening_id = e.id AND a.pupil_id = @pupil)),
            marked AS (
                INSERT INTO meeting_summary_reads (evening_id, pupil_id, user_id, opened_at)
                SELECT id, @pupil, @guardian, @now FROM found
                ON CONFLICT (evening_id, pupil_id, user_id) DO UPDATE SET opened_at = greatest(meeting_summary_reads.opened_at, EXCLUDED.opened_at))
            SELECT count(*)::int FROM found
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("evening", eveningId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("now", now);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    /// <summary>For each child of the parent, the child's other guardians: whose bookings are the family's.</summary>
    public async Task<IReadOnlyList<CoGuardian>> CoGuardiansAsync(Guid schoolId, Guid parentId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT other.user_id, other.pupil_id, u.first_name, u.first_name || ' ' || u.last_name, p.first_name
            FROM guardianships mine
            JOIN guardianships other ON other.pupil_id = mine.pupil_id AND other.user_id <> mine.user_id AND other.school_id = mine.school_id
            JOIN users u ON u.id = other.user_id
            JOIN pupils p ON p.id = other.pupil_id
            WHERE mine.user_id = @parent AND mine.school_id = @school
            ORDER BY p.first_name, u.first_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("parent", parentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var guardians = new List<CoGuardian>();
        while (await reader.ReadAsync(cancellationToken))
        {
            guardians.Add(new CoGuardian(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return guardians;
    }

    /// <summary>
    /// Whom a change to an appointment is told to: the parent who holds it first, then the pupil's other
    /// guardians; one mail per address, and nobody without one. The holder's and the pupil's names come along
    /// for the mail.
    /// </summary>
    public async Task<MailedFamily> RecipientsAsync(Guid schoolId, Guid holderId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT u.id, u.first_name, u.first_name || ' ' || u.last_name, u.email
            FROM users u
            WHERE u.school_id = @school
              AND (u.id = @holder OR u.id IN (SELECT g.user_id FROM guardianships g WHERE g.school_id = @school AND g.pupil_id = @pupil))
            ORDER BY u.id <> @holder, u.last_name, u.first_name;
            SELECT first_name || ' ' || last_name FROM pupils WHERE id = @pupil AND school_id = @school;
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("holder", holderId);
        command.Parameters.AddWithValue("pupil", pupilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var recipients = new List<Recipient>();
        var holderName = "";
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, name, email) = (reader.GetGuid(0), reader.GetString(2), reader.IsDBNull(3) ? "" : reader.GetString(3).Trim());
            holderName = id == holderId ? name : holderName;
            if (email.Length > 0 && !recipients.Any(r => string.Equals(r.Email, email, StringComparison.OrdinalIgnoreCase)))
            {
                recipients.Add(new Recipient(id, reader.GetString(1), name, email));
            }
        }
        await reader.NextResultAsync(cancellationToken);
        var pupilName = await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : "";
        return new MailedFamily(recipients, holderName, pupilName);
    }
}

/// <summary>The guardians told of a change to one of the family's appointments, and the names the mail gives.</summary>
public sealed record MailedFamily(IReadOnlyList<Recipient> Recipients, string HolderName, string PupilName);

/// <summary>A guardian told of a change, at their own address.</summary>
public sealed record Recipient(Guid ParentId, string FirstName, string Name, string Email);

/// <summary>Another guardian of one of the parent's children.</summary>
public sealed record CoGuardian(Guid ParentId, Guid PupilId, string FirstName, string Name, string PupilFirstName);