using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Bench;

/// <summary>A parent account for each of the bench's pupils, signed in through the sign-in form as a browser would be.</summary>
static class BenchParents
{
    public sealed record Session(string Cookie, string Token);

    /// <summary>The parents' logins (<paramref name="prefix"/> and an id), one per pupil in the same order, with the demo's password.</summary>
    public static async Task<string[]> CreateAsync(NpgsqlDataSource db, Guid[] pupils, string prefix)
    {
        var parents = pupils.Select(_ => Guid.CreateVersion7()).ToArray();
        await using var insert = db.CreateCommand("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role, password_hash)
            SELECT p, @school, @prefix || p::text, 'Parent', 'Bench', 'parent',
                   (SELECT password_hash FROM users WHERE school_id = @school AND user_name = 'marc.dubois')
            FROM unnest(@parents) AS p;
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, p, c FROM unnest(@parents, @pupils) AS f (p, c);
            """);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        insert.Parameters.AddWithValue("parents", parents);
        insert.Parameters.AddWithValue("pupils", pupils);
        insert.Parameters.AddWithValue("prefix", prefix);
        await insert.ExecuteNonQueryAsync();
        return [.. parents.Select(p => $"{prefix}{p}")];
    }

    /// <summary>
    /// Each parent's session cookie and antiforgery token from one node: both nodes read them with the key ring they
    /// share in PostgreSQL, so the balancer may send the parent's next request to either.
    /// </summary>
    public static async Task<IReadOnlyList<Session>> SignInAsync(Uri address, string[] logins)
    {
        var sessions = new Session[logins.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, logins.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var (cookies, token) = await MeetingsScenario.SignInAsync(address, logins[i]);
            sessions[i] = new Session(cookies.GetCookieHeader(new Uri(address, "/e/demo/")), token);
        });
        return sessions;
    }
}