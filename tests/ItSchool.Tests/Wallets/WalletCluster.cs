using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Orleans.TestingHost;

namespace ItSchool.Tests.Wallets;

/// <summary>The demo school on its own database, with an in-process cluster whose purses write to it.</summary>
public sealed class WalletCluster : IAsyncLifetime
{
    public MigratedDatabase Database { get; } = new();
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await DemoData.SeedAsync(Database.Db);
        Cluster = await TestSilos.StartAsync(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    public IPurseGrain Purse(Guid pupilId) => Cluster.GrainFactory.GetGrain<IPurseGrain>(pupilId);

    /// <summary>A new pupil of the demo school, whose purse starts empty.</summary>
    public async Task<Guid> NewPupilAsync()
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Test', 'Élève', '3A')");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public static Credit TopUp(long cents, string? key = null, int compartment = 1) =>
        new(key ?? Guid.NewGuid().ToString(), compartment, cents, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp,
            new Actor(ActorKind.Import, "test", "Test"));

    public static Debit Sale(long cents, string? key = null, int compartment = 1) =>
        new(key ?? Guid.NewGuid().ToString(), compartment, cents, MovementKind.Sale, PaymentMethod.Wallet, LedgerSubject.Sale([("Collation", 12)]),
            new Actor(ActorKind.Terminal, "cantine-1", "Cantine"));
}