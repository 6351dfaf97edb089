using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// The parents linked through the children they guard, as far as those links go (a parent, the children they
/// guard, those children's other guardians, their other children…), read when a request comes in. A pupil's
/// family is the pupil's guardians: the family's appointments count together for the limit per teacher and
/// for the overlaps. Every family lies inside one household, so one agenda per household decides all its
/// families' requests one at a time (<see cref="HouseholdAgendaGrain"/>). <see cref="Key"/> is the smallest
/// parent id: the same for every member, whoever asks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Household(
    [property: Id(0)] Guid Key,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] IReadOnlyList<Guid> Parents,
    [property: Id(3)] IReadOnlyList<Guardianship> Guardianships)
{
    /// <summary>The pupil's guardians, and the parent acting (who may hold an appointment for a child no longer theirs).</summary>
    public IReadOnlyList<Guid> FamilyOf(Guid pupilId, Guid parentId) =>
        Guardianships.Where(g => g.PupilId == pupilId).Select(g => g.ParentId).Append(parentId).Distinct().ToList();

    public bool SameAs(Household other) => Key == other.Key && Parents.SequenceEqual(other.Parents) && Guardianships.SequenceEqual(other.Guardianships);
}

[GenerateSerializer, Immutable]
public sealed record Guardianship([property: Id(0)] Guid ParentId, [property: Id(1)] Guid PupilId);

public sealed class Households(NpgsqlDataSource db)
{
    /// <summary>The parent's household as the guardianships stand now; a parent guarding nobody is a household alone.</summary>
    public async Task<Household> OfAsync(Guid parentId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            WITH RECURSIVE linked (user_id, pupil_id) AS (
                SELECT user_id, pupil_id FROM guardianships WHERE user_id = @parent
                UNION
                SELECT g.user_id, g.pupil_id FROM linked l JOIN guardianships g ON g.pupil_id = l.pupil_id OR g.user_id = l.user_id
            )
            SELECT (SELECT school_id FROM users WHERE id = @parent), l.user_id, l.pupil_id
            FROM (SELECT 1) one LEFT JOIN linked l ON true
            ORDER BY l.user_id, l.pupil_id
            """);
        command.Parameters.AddWithValue("parent", parentId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schoolId = Guid.Empty;
        var guardianships = new List<Guardianship>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schoolId = reader.IsDBNull(0) ? Guid.Empty : reader.GetGuid(0);
            if (!reader.IsDBNull(1))
            {
                guardianships.Add(new Guardianship(reader.GetGuid(1), reader.GetGuid(2)));
            }
        }
        var parents = guardianships.Select(g => g.ParentId).Append(parentId).Distinct().Order().ToList();
        return new Household(parents[0], schoolId, parents, guardianships);
    }
}