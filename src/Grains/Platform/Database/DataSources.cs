using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Platform.Database;

public static class DataSources
{
    /// <summary>
    /// The pool every ItSchool process's grains and pages use. The hot paths (a sale's lookups, the ledger's batches, a
    /// booking's household) run the same few statements thousands of times a second: prepared once per connection,
    /// PostgreSQL skips parsing and planning them. With prepared statements, Npgsql's reset of a connection going back to
    /// the pool is seven statements (RESET ALL, CLOSE ALL, UNLISTEN *, …) parsed and run before the next use's; nothing
    /// here leaves session state behind (advisory locks and settings are transaction-scoped, the one temporary table is
    /// dropped with its transaction), so the pool skips the reset.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, ILoggerFactory? loggers = null)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 3;
        }
        settings.NoResetOnClose = true;
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        if (loggers is not null)
        {
            builder.UseLoggerFactory(loggers);
        }
        return builder.Build();
    }
}