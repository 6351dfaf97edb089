using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// A parent's household as the meeting pages see it: the appointments of an evening for the children they
/// are guardian of, whichever guardian booked them, and who those other guardians are. A household is
/// defined child by child, so a co-guardian's bookings for a child this parent does not guard stay out.
/// </summary>
public sealed class HouseholdAppointments(NpgsqlDataSource db)
{
    /// <summary>The evening's appointments of the parent's children, and the parent's own (see <see cref="MeetingEvenings.LinesAsync"/>).</summary>
    public Task<IReadOnlyList<AppointmentLine>> LinesAsync(Guid schoolId, Guid eveningId, Guid parentId, CancellationToken cancellationToken = default) =>
        new MeetingEvenings(db).LinesAsync(schoolId, eveningId, householdOf: parentId, cancellationToken: cancellationToken);

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
}

/// <summary>Another guardian of one of the parent's children.</summary>
public sealed record CoGuardian(Guid ParentId, Guid PupilId, string FirstName, string Name, string PupilFirstName);