using Npgsql;

namespace ItSchool.Tests.Rig;

/// <summary>A test class's own database, with every migration applied and no data.</summary>
public sealed class MigratedDatabase : IAsyncLifetime, IAsyncDisposable
{
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await (await TestPostgres.GetAsync()).CreateMigratedDatabaseAsync();
        Db = NpgsqlDataSource.Create(ConnectionString);
    }

    public async Task DisposeAsync() => await Db.DisposeAsync();

    ValueTask IAsyncDisposable.DisposeAsync() => Db.DisposeAsync();

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }
}