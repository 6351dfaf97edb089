using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Tests.Wallets;
using ItSchool.Wallets;
using Orleans.TestingHost;

namespace ItSchool.Tests.Invoices;

/// <summary>The demo school on its own database with an in-process cluster, and helpers to issue invoices.</summary>
public sealed class InvoiceCluster : IAsyncLifetime
{
    public static readonly Actor Manager = new(ActorKind.User, "manager", "Claire Dupont");

    public MigratedDatabase Database { get; } = new();
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await DemoData.SeedAsync(Database.Db);
        Cluster = await TestSilos.StartAsync(Database.ConnectionString, clusterId: "invoices");
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    public IInvoiceGrain Invoice(Guid id) => Cluster.GrainFactory.GetGrain<IInvoiceGrain>(id);

    public IPurseGrain Purse(Guid pupilId) => Cluster.GrainFactory.GetGrain<IPurseGrain>(pupilId);

    public async Task<Guid> NewPupilAsync(Guid? schoolId = null)
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Facturé', 'Élève', '5A')");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", schoolId ?? DemoSchool.Id);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public static NewInvoice Trip(Guid pupilId, DateOnly? due = null, long unitCents = 2_500, int quantity = 2, Guid? schoolId = null) =>
        new(schoolId ?? DemoSchool.Id, pupilId, "Excursion Pairi Daiza", new DateOnly(2026, 11, 2), due ?? new DateOnly(2099, 12, 31),
            [new InvoiceLine("Entrée", quantity, unitCents), new InvoiceLine("Car", 1, 1_000)], Manager);

    /// <summary>Issues a trip invoice (2 × 25 € + 10 € = 60 € unless told otherwise) and answers its id and view.</summary>
    public async Task<(Guid Id, InvoiceView View)> IssueAsync(Guid pupilId, DateOnly? due = null, long unitCents = 2_500)
    {
        var id = Guid.CreateVersion7();
        var result = await Invoice(id).IssueAsync(Trip(pupilId, due, unitCents));
        Assert.Null(result.Problem);
        return (id, result.Invoice!);
    }

    public Task SetSettingsAsync(InvoiceSettings settings) => new InvoiceSettingsStore(Database.Db, new WalletSettingsStore(Database.Db)).SaveAsync(DemoSchool.Id, settings);

    public static Credit TopUp(long cents) => WalletCluster.TopUp(cents);
}