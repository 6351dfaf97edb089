using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.Work;

/// <summary>
/// The queue of long work, in PostgreSQL so that any web node runs it and another takes it over when that node dies.
/// A node holds an item under a lease (PostgreSQL's clock, so nodes whose clocks differ agree) renewed by every report of
/// progress; a report from a node that lost its lease is refused (<see cref="WorkLeaseLostException"/>), so a node
/// frozen past its lease stops rather than working beside the one that took over. Each kind's steps are safe to run
/// again (idempotency keys, or <see cref="StepAsync"/>, which commits a step with the count that says it is done).
/// </summary>
public sealed class WorkItems(NpgsqlDataSource db, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How long a node holds an item without reporting before another may take it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>An item that failed this many times (its node's exception each time) is given up, and says so.</summary>
    public const int MaxAttempts = 5;

    const string Columns = "id, school_id, kind, arguments, status, total, done, version, attempts, outcome, created_at, created_by";

    /// <summary>
    /// Queues the work; the same <paramref name="requestKey"/> (a form's key, the files applied) queued again in the same
    /// school and kind answers the first item's id, whatever its state: a double click or a reload starts nothing twice.
    /// </summary>
    public async Task<Guid> QueueAsync(Guid schoolId, string kind, string requestKey, object arguments, string createdBy,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await QueueAsync(connection, null, schoolId, kind, requestKey, arguments, createdBy, cancellationToken);
    }

    /// <summary>Queues the work in the caller's transaction: it exists if and only if what asked for it commits.</summary>
    public async Task<Guid> QueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid schoolId, string kind, string requestKey,
        object arguments, string createdBy, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("""
            WITH queued AS (
                INSERT INTO work_items (id, school_id, kind, request_key, arguments, created_at, created_by)
                VALUES (@id, @school, @kind, @key, @arguments, @now, @by)
                ON CONFLICT (request_key) DO NOTHING
                RETURNING id)
            SELECT id FROM queued UNION ALL SELECT id FROM work_items WHERE request_key = @key LIMIT 1
            """, connection, transaction);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7(clock.GetUtcNow()));
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("key", $"{schoolId}/{kind}/{requestKey}");
        command.Parameters.AddWithValue("arguments", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(arguments, Json));
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("by", createdBy);
        return (Guid)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The school's item; null for another school's (a forged id).</summary>
    public async Task<WorkItem?> FindAsync(Guid schoolId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM work_items WHERE id = @id AND school_id = @school");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("school", schoolId);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>The school's items of this kind not over yet, oldest first (a page points to their progress).</summary>
    public async Task<IReadOnlyList<WorkItem>> UnderWayAsync(Guid schoolId, string kind, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM work_items
            WHERE school_id = @school AND kind = @kind AND status IN ('queued', 'running') ORDER BY created_at LIMIT 20
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("kind", kind);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>
    /// The oldest item of these kinds waiting (queued, or whose node's lease lapsed), now held by <paramref name="node"/>;
    /// null when none waits. Only the kinds the node knows: during an upgrade, an older node leaves a newer kind alone.
    /// </summary>
    public async Task<WorkItem?> ClaimAsync(Guid node, string[] kinds, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            UPDATE work_items SET status = 'running', leased_by = @node, lease_until = now() + @lease, attempts = attempts + 1,
                                  version = version + 1
            WHERE id = (SELECT id FROM work_items
                        WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < now()) AND kind = ANY(@kinds)
                        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("kinds", kinds);
        command.Parameters.AddWithValue("lease", Lease);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>Progress, renewing the lease; the new version, for the pages.</summary>
    public async Task<long> ReportAsync(Guid id, Guid node, int done, int total, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE work_items SET done = @done, total = @total, version = version + 1, lease_until = now() + @lease
            WHERE id = @id AND leased_by = @node AND status = 'running'
            RETURNING version
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("done", done);
        command.Parameters.AddWithValue("total", total);
        command.Parameters.AddWithValue("lease", Lease);
        return await command.ExecuteScalarAsync(cancellationToken) as long? ?? throw new WorkLeaseLostException(id);
    }

    /// <summary>
    /// Step <paramref name="index"/> (counting from 0) in one transaction with the count that says it is done: false,
    /// and nothing run, when it was done already. Two nodes on the same step wait on the item's row, and the second
    /// finds it done.
    /// </summary>
    public async Task<(bool Ran, long Version)> StepAsync(Guid id, Guid node, int index, Func<NpgsqlConnection, NpgsqlTransaction, Task> step,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE work_items SET done = @index + 1, version = version + 1, lease_until = now() + @lease
            WHERE id = @id AND leased_by = @node AND status = 'running' AND done = @index
            RETURNING version
            """, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("index", index);
        command.Parameters.AddWithValue("lease", Lease);
        if (await command.ExecuteScalarAsync(cancellationToken) is not long version)
        {
            return (false, 0);
        }
        await step(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return (true, version);
    }

    /// <summary>The work is over: where its page sends the manager now (<see cref="WorkLeaseLostException"/> when another node holds it now).</summary>
    public async Task<long> FinishAsync(Guid id, Guid node, WorkOutcome outcome, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE work_items SET status = 'done', outcome = @outcome, version = version + 1, leased_by = NULL, lease_until = NULL,
                                  finished_at = now()
            WHERE id = @id AND leased_by = @node AND status = 'running'
            RETURNING version
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("outcome", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(outcome, Json));
        return await command.ExecuteScalarAsync(cancellationToken) as long? ?? throw new WorkLeaseLostException(id);
    }

    /// <summary>
    /// The attempt failed: the item waits <paramref name="retryAfter"/> before any node takes it again, or is given up
    /// once it failed <see cref="MaxAttempts"/> times. The new version, or null when another node holds it now.
    /// </summary>
    public async Task<long?> ReleaseAfterFailureAsync(Guid id, Guid node, TimeSpan retryAfter, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            UPDATE work_items SET version = version + 1,
                                  status = CASE WHEN attempts >= @max THEN 'failed' ELSE status END,
                                  finished_at = CASE WHEN attempts >= @max THEN now() END,
                                  leased_by = CASE WHEN attempts >= @max THEN NULL ELSE leased_by END,
                                  lease_until = CASE WHEN attempts >= @max THEN NULL ELSE now() + @retry END
            WHERE id = @id AND leased_by = @node AND status = 'running'
            RETURNING version
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        command.Parameters.AddWithValue("max", MaxAttempts);
        command.Parameters.AddWithValue("retry", retryAfter);
        return await command.ExecuteScalarAsync(cancellationToken) as long?;
    }

    /// <summary>The node stops: another takes the item at its next pass instead of waiting for the lease to lapse.</summary>
    public async Task LetGoAsync(Guid id, Guid node, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE work_items SET lease_until = now() WHERE id = @id AND leased_by = @node AND status = 'running'");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("node", node);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static async Task<WorkItem?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken) =>
        (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();

    static async Task<List<WorkItem>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new List<WorkItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new WorkItem(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), JsonDocument.Parse(reader.GetString(3)).RootElement.Clone(),
                Enum.Parse<WorkStatus>(reader.GetString(4), ignoreCase: true), reader.GetInt32(5), reader.GetInt32(6), reader.GetInt64(7),
                reader.GetInt32(8), reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<WorkOutcome>(reader.GetString(9), Json),
                reader.GetFieldValue<DateTimeOffset>(10), reader.GetString(11)));
        }
        return items;
    }
}

/// <summary>Another node holds the item now (this one was frozen past its lease): this one stops working on it.</summary>
public sealed class WorkLeaseLostException(Guid id) : Exception($"The lease on work item {id} went to another node.");