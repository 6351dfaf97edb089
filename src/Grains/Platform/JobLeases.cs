using Npgsql;

namespace ItSchool.Platform;

/// <summary>
/// One node of the cluster at a time for the jobs whose every pass scans all schools: the node whose pass finds the
/// lease free or its own runs, the others skip theirs. Times are PostgreSQL's, so nodes whose clocks differ agree.
/// </summary>
public sealed class JobLeases(NpgsqlDataSource db)
{
    /// <summary>This process, as a holder.</summary>
    public Guid Holder { get; } = Guid.NewGuid();

    /// <summary>Takes or renews the lease for <paramref name="lease"/> from now; false while another holder's runs.</summary>
    public async Task<bool> TryTakeAsync(string job, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO job_leases AS l (job, holder, held_until) VALUES (@job, @holder, now() + @lease)
            ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
            WHERE l.holder = excluded.holder OR l.held_until < now()
            RETURNING true
            """);
        command.Parameters.AddWithValue("job", job);
        command.Parameters.AddWithValue("holder", Holder);
        command.Parameters.AddWithValue("lease", lease);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Lets another node take the job at its next pass (this one stops).</summary>
    public async Task ReleaseAsync(string job, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("DELETE FROM job_leases WHERE job = @job AND holder = @holder");
        command.Parameters.AddWithValue("job", job);
        command.Parameters.AddWithValue("holder", Holder);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}