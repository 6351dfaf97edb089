using ItSchool.Platform.Database;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.BankStatements;

/// <summary>Migration 0067: an import stored as uploaded by "<key> (clé d'API)" keeps the key's name, with the kind that says it was a key.</summary>
public sealed class ApiKeyActorMigrationTests
{
    const string Migration = "0067_api_key_actor";

    [Fact]
    public async Task An_import_sent_with_a_key_becomes_the_key_name_and_the_api_key_kind_and_a_person_stays_a_user()
    {
        await using var db = NpgsqlDataSource.Create(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        foreach (var (_, sql) in Migrations.Embedded.Where(m => string.CompareOrdinal(m.Id, Migration) < 0))
        {
            await ExecuteAsync(db, sql);
        }
        var school = Guid.NewGuid();
        await ExecuteAsync(db, "INSERT INTO schools (id, slug, name) VALUES (@id, 'ancienne', 'École d''avant')", ("id", school));
        var (byKey, byPerson) = (Guid.NewGuid(), Guid.NewGuid());
        await ExecuteAsync(db, """
            INSERT INTO bank_imports (id, school_id, file_name, status, uploaded_at, uploaded_by) VALUES
                (@key, @school, 'auto.cod', 'applied', now(), 'Téléchargement nocturne (clé d''API)'),
                (@person, @school, 'manuel.cod', 'applied', now(), 'Claire Dupont')
            """, ("key", byKey), ("person", byPerson), ("school", school));

        await ExecuteAsync(db, Migrations.Embedded.Single(m => m.Id == Migration).Sql);

        Assert.Equal(("Téléchargement nocturne", "api_key"), await UploaderAsync(db, byKey));
        Assert.Equal(("Claire Dupont", "user"), await UploaderAsync(db, byPerson));
    }

    static async Task<(string By, string Kind)> UploaderAsync(NpgsqlDataSource db, Guid import)
    {
        await using var read = db.CreateCommand("SELECT uploaded_by, uploaded_by_kind FROM bank_imports WHERE id = @id");
        read.Parameters.AddWithValue("id", import);
        await using var reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }

    static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }
}