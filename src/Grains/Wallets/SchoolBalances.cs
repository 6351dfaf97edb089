using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.Wallets;

/// <summary>Every pupil's balances, for the school manager: SQL over the purses' balance rows.</summary>
public sealed class SchoolBalances(NpgsqlDataSource db)
{
    public sealed record Row(Guid PupilId, string FirstName, string LastName, string ClassName, IReadOnlyDictionary<int, long> Balances);

    /// <summary>Pupils whose name or class contains <paramref name="search"/> (all when empty), by class and name.</summary>
    public Task<IReadOnlyList<Row>> ListAsync(Guid schoolId, string? search, CancellationToken cancellationToken = default) =>
        RowsAsync(schoolId, search, null, cancellationToken);

    /// <summary>One page of <see cref="ListAsync"/>.</summary>
    public async Task<Paged<Row>> PageAsync(Guid schoolId, string? search, PageRequest page, CancellationToken cancellationToken = default)
    {
        await using var count = db.CreateCommand($"SELECT count(*)::int FROM pupils p WHERE {Matching}");
        AddSearch(count, schoolId, search);
        var total = (int)(await count.ExecuteScalarAsync(cancellationToken))!;
        return await Paging.ReadAsync(page, total, (limit, offset) => RowsAsync(schoolId, search, (limit, offset), cancellationToken));
    }

    const string Matching = """
        p.school_id = @school
          AND (@search = '' OR p.first_name ILIKE @like OR p.last_name ILIKE @like OR p.class_name ILIKE @like
               OR (p.first_name || ' ' || p.last_name) ILIKE @like)
        """;

    static void AddSearch(NpgsqlCommand command, Guid schoolId, string? search)
    {
        var text = (search ?? "").Trim();
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("search", text);
        command.Parameters.AddWithValue("like", Search.Contains(text));
    }

    async Task<IReadOnlyList<Row>> RowsAsync(Guid schoolId, string? search, (int Limit, int Offset)? page, CancellationToken cancellationToken)
    {
        // The page is of pupils, not of their compartments' rows: the pupils are chosen first, then joined.
        await using var command = db.CreateCommand($"""
            WITH chosen AS (
                SELECT p.id, p.first_name, p.last_name, p.class_name FROM pupils p WHERE {Matching}
                ORDER BY p.class_name, p.last_name, p.first_name, p.id
                {(page is null ? "" : "LIMIT @limit OFFSET @offset")})
            SELECT p.id, p.first_name, p.last_name, p.class_name, c.compartment, c.balance_cents
            FROM chosen p LEFT JOIN purse_compartments c ON c.pupil_id = p.id
            ORDER BY p.class_name, p.last_name, p.first_name, p.id, c.compartment
            """);
        AddSearch(command, schoolId, search);
        if (page is { Limit: var limit, Offset: var offset })
        {
            command.Parameters.AddWithValue("limit", limit);
            command.Parameters.AddWithValue("offset", offset);
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Row>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            if (rows.Count == 0 || rows[^1].PupilId != id)
            {
                rows.Add(new Row(id, reader.GetString(1), reader.GetString(2), reader.GetString(3), new Dictionary<int, long>()));
            }
            if (!reader.IsDBNull(4))
            {
                ((Dictionary<int, long>)rows[^1].Balances)[reader.GetInt16(4)] = reader.GetInt64(5);
            }
        }
        return rows;
    }

    public async Task<bool> IsPupilOfAsync(Guid schoolId, Guid pupilId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school)");
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("school", schoolId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}