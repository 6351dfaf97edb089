using Npgsql;

namespace ItSchool.Pupils;

/// <summary>
/// The family side's reads of pupils: which children a guardian sees and whether a person is a pupil's guardian,
/// asked by every family page, hub and payment before it shows or moves anything of a child. It never writes;
/// the manager's register of pupils and guardians (adding, editing, linking, importing) is <see cref="PupilRegistry"/>.
/// </summary>
public sealed class GuardianLinks(NpgsqlDataSource db)
{
    /// <summary>The pupils a guardian may see, within their own school only.</summary>
    public async Task<IReadOnlyList<Pupil>> ChildrenOfAsync(Guid schoolId, Guid guardianId,
        CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.school_id, p.first_name, p.last_name, p.class_name
            FROM guardianships g JOIN pupils p ON p.id = g.pupil_id AND p.school_id = g.school_id
            WHERE g.school_id = @school AND g.user_id = @guardian
            ORDER BY p.first_name, p.last_name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("guardian", guardianId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pupils = new List<Pupil>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pupils.Add(new Pupil(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }
        return pupils;
    }

    /// <summary>The pupil, if this person is their guardian in this school; null otherwise.</summary>
    public async Task<Pupil?> ChildOfAsync(Guid schoolId, Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, p.school_id, p.first_name, p.last_name, p.class_name
            FROM guardianships g JOIN pupils p ON p.id = g.pupil_id AND p.school_id = g.school_id
            WHERE g.school_id = @school AND g.user_id = @guardian AND g.pupil_id = @pupil
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Pupil(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4))
            : null;
    }

    /// <summary>Whether this person is a guardian of this pupil, in this school (every page asks before showing a child).</summary>
    public async Task<bool> IsGuardianAsync(Guid schoolId, Guid guardianId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM guardianships WHERE school_id = @school AND user_id = @guardian AND pupil_id = @pupil)");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("guardian", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<(int Pupils, int Classes)> CountAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT count(*)::int, count(DISTINCT class_name)::int FROM pupils WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }
}