using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using Npgsql;

namespace ItSchool.Web.Platform;

public static class DatabaseSetup
{
    public const string ConnectionStringName = "ItSchool";

    /// <summary>
    /// Resolves the database (the configured server, or a private one started from the machine's
    /// PostgreSQL binaries), brings its schema up to date and seeds the demo school into an empty one —
    /// all before Orleans starts, because the silo needs its membership table from the first second.
    /// </summary>
    public static async Task AddDatabaseAsync(this WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        using var bootstrapLogging = LoggerFactory.Create(logging => logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddSimpleConsole(console => console.SingleLine = true));
        var logger = bootstrapLogging.CreateLogger("ItSchool.Database");

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var directory = builder.Configuration["ItSchool:LocalDatabase:Directory"] ?? LocalPostgres.DefaultBaseDirectory();
            var server = await LocalPostgres.StartAsync(directory, "itschool", logger, cancellationToken);
            logger.LogInformation(
                "Local PostgreSQL: data in {DataDirectory}, log in {LogFile}; connect with: psql -h {SocketDirectory} -U postgres itschool",
                server.DataDirectory, server.LogFile, server.SocketDirectory);
            connectionString = server.ConnectionString("itschool");
            builder.Configuration[$"ConnectionStrings:{ConnectionStringName}"] = connectionString;
            builder.Services.AddSingleton(server);
            builder.Services.AddHostedService<LocalPostgresLifetime>();
        }

        // The app's own data source logs through the host's loggers (Npgsql's warnings, and its commands at Debug under the
        // request's scope), which exist only once the host is built; migrating and seeding come before, on their own.
        builder.Services.AddSingleton(services => DataSources.Create(connectionString, services.GetRequiredService<ILoggerFactory>()));
        await using var db = DataSources.Create(connectionString);
        await Migrations.ApplyAsync(db, logger, cancellationToken);
        // Production never gets the demo school, whatever the database holds: it is seeded in demo mode only.
        var seeded = InstallationSettings.IsDemo(builder.Configuration)
            && await DemoSchool.SeedIfEmptyAsync(db, logger, cancellationToken);
        builder.Services.AddSingleton(new DemoSeed(seeded));
    }

    /// <summary>Stops the private server with the app; it is registered before Orleans, so it stops after it.</summary>
    sealed class LocalPostgresLifetime(LocalPostgres server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
    }
}