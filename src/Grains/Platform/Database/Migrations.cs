using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Platform.Database;

/// <summary>
/// Applies the SQL files embedded under <c>Migrations/</c> in name order, each exactly once and each in
/// its own transaction, recording them in <c>schema_migrations</c>. Orleans' provider tables and the
/// project's own tables share this one mechanism.
/// </summary>
public static class Migrations
{
    // Every ItSchool process takes this session-level advisory lock before migrating, so silos and web
    // nodes started at the same moment apply the files one process after the other, never twice.
    const long AdvisoryLockKey = 0x1750_5C00_0001;
    const string ResourcePrefix = "migrations/";

    public static IReadOnlyList<(string Id, string Sql)> Embedded { get; } = LoadEmbedded();

    public static Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource db, ILogger logger, CancellationToken cancellationToken = default) =>
        ApplyAsync(db, logger, through: null, cancellationToken);

    /// <summary>Applies the migrations up to <paramref name="through"/> included: a test's database as it was before a later one.</summary>
    internal static async Task<IReadOnlyList<string>> ApplyAsync(
        NpgsqlDataSource db, ILogger logger, string? through, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        try
        {
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    id          text PRIMARY KEY,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, cancellationToken);

            var applied = await ReadAppliedAsync(connection, cancellationToken);
            var newlyApplied = new List<string>();
            foreach (var (id, sql) in Embedded.Where(m => through is null || string.CompareOrdinal(m.Id, through) <= 0))
            {
                var checksum = Checksum(sql);
                if (applied.TryGetValue(id, out var recorded))
                {
                    // An applied migration is history: editing it would leave databases that ran the old text
                    // silently different from new ones. Changes go into a new file.
                    if (recorded != checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {id} was changed after it was applied (checksum {recorded} in the database, {checksum} in the code). Add a new migration instead.");
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await ExecuteAsync(connection, sql, cancellationToken);
                await ExecuteAsync(connection, "INSERT INTO schema_migrations (id, checksum) VALUES (@id, @checksum)",
                    cancellationToken, ("id", id), ("checksum", checksum));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", id);
                newlyApplied.Add(id);
            }
            return newlyApplied;
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
        }
    }

    static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand("SELECT id, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied[reader.GetString(0)] = reader.GetString(1);
        }
        return applied;
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    static List<(string, string)> LoadEmbedded()
    {
        var assembly = Assembly.GetExecutingAssembly();
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return (Path.GetFileNameWithoutExtension(name[ResourcePrefix.Length..]), reader.ReadToEnd());
            })
            .ToList();
    }
}