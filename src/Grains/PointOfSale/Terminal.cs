using System.Security.Cryptography;
using System.Text;
using ItSchool.Platform.Database;
using Npgsql;

namespace ItSchool.PointOfSale;

public enum TerminalKind
{
    Canteen,
    Shop,
    Vending,
}

/// <summary>A canteen till, school shop or vending machine, allowed to debit one compartment of its school's purses.</summary>
public sealed record Terminal(Guid Id, Guid SchoolId, string Name, TerminalKind Kind, int Compartment);

/// <summary>
/// Terminals and their API keys. A key is random, shown once when it is made, stored only as its SHA-256;
/// a revoked terminal's key stops working at its next request.
/// </summary>
public sealed class Terminals(NpgsqlDataSource db, TimeProvider clock)
{
    const string Prefix = "itsk_";
    public const int MaxNameLength = 80;

    public async Task<(Terminal Terminal, string Key)> CreateAsync(Guid schoolId, string name, TerminalKind kind, int compartment,
        string? key = null, CancellationToken cancellationToken = default)
    {
        key ??= Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        var terminal = new Terminal(Guid.CreateVersion7(), schoolId, name, kind, compartment);
        await using var command = db.CreateCommand("""
            INSERT INTO pos_terminals (id, school_id, name, kind, compartment, key_hash, key_hint, created_at)
            VALUES (@id, @school, @name, @kind, @compartment, @hash, @hint, @now)
            """);
        command.Parameters.AddWithValue("id", terminal.Id);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("kind", kind.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("compartment", (short)compartment);
        command.Parameters.AddWithValue("hash", Hash(key));
        command.Parameters.AddWithValue("hint", key[^4..]);
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (terminal, key);
    }

    /// <summary>
    /// The terminal this key belongs to, or null (unknown, malformed or revoked when asked). A key this node already
    /// found is answered from memory, without a round trip: such a terminal may have been revoked since, on any node,
    /// so whoever acts for it confirms it is still live in PostgreSQL in the same round trip as its own reads — a sale
    /// in its lookup (<see cref="SaleLookup"/>), every other call with <see cref="IsLiveAsync"/> — and a revocation
    /// still stops the very next request on every node. A terminal never changes but for its revocation, so the copy
    /// cannot be stale in any other way.
    /// </summary>
    public async Task<Terminal?> AuthenticateAsync(string? key, CancellationToken cancellationToken = default)
    {
        if (key is null || !key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length > 100)
        {
            return null;
        }
        var hash = Hash(key);
        var known = Convert.ToHexString(hash);
        if (found.TryGetValue(known, out var terminal))
        {
            return terminal;
        }
        terminal = await authentications.RunAsync(hash);
        if (terminal is not null)
        {
            found[known] = terminal;
        }
        return terminal;
    }

    /// <summary>Keys this node found, by their hash (only keys that opened a live terminal: a stranger's guesses are not kept).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, Terminal> found = new();

    /// <summary>Whether the terminal is still live; a revoked one is forgotten, so its key is asked of PostgreSQL again.</summary>
    public async Task<bool> IsLiveAsync(Terminal terminal, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM pos_terminals WHERE id = @id AND revoked_at IS NULL)");
        command.Parameters.AddWithValue("id", terminal.Id);
        var live = (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (!live)
        {
            Forget(terminal);
        }
        return live;
    }

    /// <summary>A terminal found revoked: its key is asked of PostgreSQL again (and refused there).</summary>
    public void Forget(Terminal terminal)
    {
        foreach (var (hash, known) in found)
        {
            if (known.Id == terminal.Id)
            {
                found.TryRemove(hash, out _);
            }
        }
    }

    readonly SqlBatcher<byte[], Terminal?> authentications = new(async hashes =>
    {
        await using var command = db.CreateCommand("""
            SELECT h.n, t.id, t.school_id, t.name, t.kind, t.compartment
            FROM unnest(@hashes) WITH ORDINALITY AS h(hash, n) JOIN pos_terminals t ON t.key_hash = h.hash AND t.revoked_at IS NULL
            """);
        command.Parameters.AddWithValue("hashes", hashes.ToArray());
        var found = new Terminal?[hashes.Count];
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            found[reader.GetInt64(0) - 1] = new Terminal(reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                Enum.Parse<TerminalKind>(reader.GetString(4), true), reader.GetInt16(5));
        }
        return found;
    });

    public sealed record Listed(Terminal Terminal, string KeyHint, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    /// <summary>All the school's terminals, revoked ones included, for the manager.</summary>
    public async Task<IReadOnlyList<Listed>> ListAllAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT id, school_id, name, kind, compartment, key_hint, created_at, revoked_at FROM pos_terminals
            WHERE school_id = @school ORDER BY revoked_at NULLS FIRST, name
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var terminals = new List<Listed>();
        while (await reader.ReadAsync(cancellationToken))
        {
            terminals.Add(new Listed(new Terminal(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2),
                Enum.Parse<TerminalKind>(reader.GetString(3), true), reader.GetInt16(4)), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return terminals;
    }

    /// <summary>The school's terminals that still work, by name.</summary>
    public async Task<IReadOnlyList<Terminal>> ListAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id, school_id, name, kind, compartment FROM pos_terminals WHERE school_id = @school AND revoked_at IS NULL ORDER BY name");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var terminals = new List<Terminal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            terminals.Add(new Terminal(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2),
                Enum.Parse<TerminalKind>(reader.GetString(3), true), reader.GetInt16(4)));
        }
        return terminals;
    }

    public async Task<bool> RevokeAsync(Guid schoolId, Guid terminalId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE pos_terminals SET revoked_at = @now WHERE id = @id AND school_id = @school AND revoked_at IS NULL");
        command.Parameters.AddWithValue("now", clock.GetUtcNow());
        command.Parameters.AddWithValue("id", terminalId);
        command.Parameters.AddWithValue("school", schoolId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}