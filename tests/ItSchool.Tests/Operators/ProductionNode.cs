using ItSchool.Tests.Rig;
using ItSchool.Web.Operators;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Operators;

/// <summary>A web node started as production starts: an empty database, no demo, its own address as PublicUrl.</summary>
public class ProductionNode : WebNode
{
    /// <summary>Production with no SMTP server: mail waits in the outbox.</summary>
    public sealed class WithoutMail : ProductionNode
    {
        protected override bool DeliversMail => false;
    }

    public ProductionNode() => Demo = false;

    /// <summary>The node has one operator, whom the first test that needs one creates.</summary>
    public SemaphoreSlim OperatorLock { get; } = new(1, 1);

    /// <summary>The link the start printed in its log.</summary>
    public async Task<Uri> SetupLinkAsync()
    {
        var setup = Services.GetRequiredService<SetupLink>();
        await Eventually.TrueAsync(() => setup.Printed is not null, because: "the start prints the setup link once it listens");
        return new Uri(setup.Printed!);
    }

    public async Task<long> CountAsync(string table)
    {
        await using var db = NpgsqlDataSource.Create(ConnectionString);
        await using var command = db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}