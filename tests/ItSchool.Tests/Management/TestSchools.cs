using Npgsql;

namespace ItSchool.Tests.Management;

/// <summary>A fresh school per test, so tests sharing a class's database never see each other's people.</summary>
static class TestSchools
{
    public static async Task<Guid> CreateAsync(NpgsqlDataSource db, string? slug = null)
    {
        var id = Guid.NewGuid();
        await using var insert = db.CreateCommand("INSERT INTO schools (id, slug, name) VALUES (@id, @slug, @name)");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("slug", slug ?? $"ecole-{id:N}");
        insert.Parameters.AddWithValue("name", "École de test");
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public static async Task<long> CountAsync(NpgsqlDataSource db, string table, Guid schoolId)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM {table} WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}