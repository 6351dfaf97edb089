using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ItSchool.Platform;

/// <summary>
/// The secret in a calendar feed's address (the meals', the events'): 32 random bytes in base64url, of which the
/// database keeps only the SHA-256, so that a copy of the database opens no family's calendar.
/// </summary>
public static class FeedTokens
{
    public static string Draw() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>43 characters of A–Z, a–z, 0–9, '-' and '_'.</summary>
    public static bool IsWellFormed(string token) =>
        token.Length == 43 && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    /// <summary>
    /// Draws a new token for this guardian and pupil in a feed's <paramref name="table"/> (one of the project's own, never
    /// input), replacing the previous one; the caller checked the guardianship.
    /// </summary>
    public static async Task<string> IssueAsync(NpgsqlDataSource db, string table, Guid schoolId, Guid guardianId, Guid pupilId,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Draw();
        await using var command = db.CreateCommand($"""
            INSERT INTO {table} (user_id, pupil_id, school_id, token_hash, created_at) VALUES (@user, @pupil, @school, @hash, @now)
            ON CONFLICT (user_id, pupil_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
            """);
        command.Parameters.AddWithValue("user", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("hash", Hash(token));
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return token;
    }

    /// <summary>When this guardian's address for the pupil was drawn in a feed's <paramref name="table"/>; null when there is none.</summary>
    public static async Task<DateTimeOffset?> IssuedAtAsync(NpgsqlDataSource db, string table, Guid guardianId, Guid pupilId,
        CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT created_at FROM {table} WHERE user_id = @user AND pupil_id = @pupil");
        command.Parameters.AddWithValue("user", guardianId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}