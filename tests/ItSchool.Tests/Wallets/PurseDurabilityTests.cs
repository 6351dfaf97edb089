using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

public sealed class PurseDurabilityTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_movement_acknowledged_just_before_the_silo_dies_is_there_after_a_restart()
    {
        await DemoData.SeedAsync(database.Db);
        var pupil = await NewPupilAsync();
        var first = await TestSilos.StartAsync(database.ConnectionString, clusterId: "durability-1");
        MovementResult sale;
        try
        {
            var purse = first.GrainFactory.GetGrain<IPurseGrain>(pupil);
            await purse.CreditAsync(WalletCluster.TopUp(2_000));
            sale = await purse.DebitAsync(WalletCluster.Sale(730, key: "last-sale-before-crash"));
            Assert.True(sale.Accepted);
        }
        finally
        {
            // No graceful shutdown: the process is gone the moment after the acknowledgement.
            await first.KillSiloAsync(first.Primary!);
            await first.DisposeAsync();
        }

        var second = await TestSilos.StartAsync(database.ConnectionString, clusterId: "durability-2");
        try
        {
            var purse = second.GrainFactory.GetGrain<IPurseGrain>(pupil);
            Assert.Equal(1_270, (await purse.GetCompartmentsAsync())[0].BalanceCents);
            Assert.Equal(1_270, await database.ScalarAsync<long>(
                "SELECT sum(amount_cents)::bigint FROM ledger_entries WHERE pupil_id = @p AND compartment = 1", ("p", pupil)));
            var replay = await purse.DebitAsync(WalletCluster.Sale(730, key: "last-sale-before-crash"));
            Assert.Equal(sale.EntryIds, replay.EntryIds);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_purse_whose_cached_balance_differs_from_its_ledger_refuses_to_open()
    {
        await DemoData.SeedAsync(database.Db);
        var pupil = await NewPupilAsync();
        var first = await TestSilos.StartAsync(database.ConnectionString, clusterId: "mismatch-1");
        try
        {
            await first.GrainFactory.GetGrain<IPurseGrain>(pupil).CreditAsync(WalletCluster.TopUp(1_000));
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }
        await using (var tamper = database.Db.CreateCommand("UPDATE purse_compartments SET balance_cents = 999 WHERE pupil_id = @p AND compartment = 1"))
        {
            tamper.Parameters.AddWithValue("p", pupil);
            await tamper.ExecuteNonQueryAsync();
        }

        var second = await TestSilos.StartAsync(database.ConnectionString, clusterId: "mismatch-2");
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => second.GrainFactory.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync());
            Assert.Contains("differs from the ledger's sum", error.ToString());
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    async Task<Guid> NewPupilAsync()
    {
        var id = Guid.CreateVersion7();
        await using var insert = database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Durable', 'Élève', '2B')");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        await insert.ExecuteNonQueryAsync();
        return id;
    }
}