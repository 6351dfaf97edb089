using System.Text.Json;
using Npgsql;

namespace ItSchool.Wallets;

/// <summary>Reads of the ledger for pages and exports: plain SQL over its indexes, never by waking purses.</summary>
public sealed class LedgerQueries(NpgsqlDataSource db)
{
    const string Columns = "id, compartment, amount_cents, balance_after_cents, kind, payment_method, subject_code, subject_args::text, occurred_at";

    /// <summary>One page of a pupil's movements, newest first, with the count and sum of all that match.</summary>
    public async Task<LedgerPage> SearchAsync(LedgerSearch search, CancellationToken cancellationToken = default)
    {
        var (where, parameters) = Conditions(search);
        await using var batch = db.CreateBatch();
        var total = new Npgsql.NpgsqlBatchCommand($"SELECT count(*)::int, coalesce(sum(amount_cents), 0)::bigint FROM ledger_entries WHERE {where}");
        var page = new Npgsql.NpgsqlBatchCommand($"""
            SELECT {Columns} FROM ledger_entries WHERE {where}
            ORDER BY occurred_at DESC, id DESC LIMIT @limit OFFSET @offset
            """);
        foreach (var (name, value) in parameters)
        {
            total.Parameters.AddWithValue(name, value);
            page.Parameters.AddWithValue(name, value);
        }
        page.Parameters.AddWithValue("limit", search.PageSize);
        page.Parameters.AddWithValue("offset", (Math.Max(search.Page, 1) - 1) * search.PageSize);
        batch.BatchCommands.Add(total);
        batch.BatchCommands.Add(page);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (count, sum) = (reader.GetInt32(0), reader.GetInt64(1));
        await reader.NextResultAsync(cancellationToken);
        var lines = new List<LedgerLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(Read(reader));
        }
        return new LedgerPage(lines, count, sum);
    }

    /// <summary>Every movement that matches, newest first, streamed for an export.</summary>
    public async IAsyncEnumerable<LedgerLine> ExportAsync(LedgerSearch search,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (where, parameters) = Conditions(search);
        await using var command = db.CreateCommand($"SELECT {Columns} FROM ledger_entries WHERE {where} ORDER BY occurred_at DESC, id DESC");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return Read(reader);
        }
    }

    static (string Where, List<(string, object)> Parameters) Conditions(LedgerSearch search)
    {
        var where = new List<string> { "school_id = @school", "pupil_id = @pupil", "occurred_at >= @from", "occurred_at < @to" };
        var parameters = new List<(string, object)>
        {
            ("school", search.SchoolId), ("pupil", search.PupilId), ("from", search.From), ("to", search.To),
        };
        if (search.Compartment is { } compartment)
        {
            where.Add("compartment = @compartment");
            parameters.Add(("compartment", (short)compartment));
        }
        if (search.Kind is { } kind)
        {
            where.Add("kind = @kind");
            parameters.Add(("kind", LedgerNames.ToDatabase(kind)));
        }
        if (search.Method is { } method)
        {
            where.Add("payment_method = @method");
            parameters.Add(("method", LedgerNames.ToDatabase(method)));
        }
        return (string.Join(" AND ", where), parameters);
    }

    public async Task<IReadOnlyList<LedgerLine>> RecentAsync(Guid schoolId, Guid pupilId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"""
            SELECT {Columns} FROM ledger_entries WHERE school_id = @school AND pupil_id = @pupil
            ORDER BY occurred_at DESC, id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<LedgerLine>();
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(Read(reader));
        }
        return lines;
    }

    static LedgerLine Read(NpgsqlDataReader reader) => new(reader.GetInt64(0), reader.GetInt16(1), reader.GetInt64(2), reader.GetInt64(3),
        LedgerNames.FromDatabase<MovementKind>(reader.GetString(4)),
        reader.IsDBNull(5) ? null : LedgerNames.FromDatabase<PaymentMethod>(reader.GetString(5)),
        ReadSubject(reader.GetString(6), reader.GetString(7)), reader.GetFieldValue<DateTimeOffset>(8));

    public static LedgerSubject ReadSubject(string code, string argumentsJson) =>
        new(LedgerNames.FromDatabase<SubjectCode>(code), JsonSerializer.Deserialize<string[]>(argumentsJson) ?? []);
}