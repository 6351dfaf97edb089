using ItSchool.Tests.Rig;
using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

public sealed class PurseGrainTests(WalletCluster wallets) : IClassFixture<WalletCluster>
{
    [Fact]
    public async Task Two_hundred_concurrent_debits_of_one_euro_on_a_hundred_euros_accept_exactly_one_hundred()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        Assert.True((await purse.CreditAsync(WalletCluster.TopUp(10_000))).Accepted);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => purse.DebitAsync(WalletCluster.Sale(100))));

        Assert.Equal(100, results.Count(r => r.Accepted));
        Assert.All(results.Where(r => !r.Accepted), r => Assert.Equal(DeclineReason.InsufficientFunds, r.Reason));
        Assert.Equal(0, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents);
        Assert.Equal(100, await wallets.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'sale'", ("p", pupil)));
        Assert.Equal(0, await wallets.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND balance_after_cents < 0", ("p", pupil)));
        Assert.Equal(0, await wallets.Database.ScalarAsync<long>(
            "SELECT balance_cents FROM purse_compartments WHERE pupil_id = @p AND compartment = 1", ("p", pupil)));
    }

    [Fact]
    public async Task The_same_key_ten_times_moves_money_once_and_gives_the_same_answer()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        await purse.CreditAsync(WalletCluster.TopUp(5_000));
        var sale = WalletCluster.Sale(250, key: "terminal-7/sale-42");

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => purse.DebitAsync(sale)));
        var sequential = new List<MovementResult>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add(await purse.DebitAsync(sale));
        }

        var first = concurrent[0];
        Assert.True(first.Accepted);
        Assert.All(concurrent.Concat(sequential), r =>
        {
            Assert.Equal(first.EntryIds, r.EntryIds);
            Assert.Equal(first.BalancesAfter, r.BalancesAfter);
        });
        Assert.Equal(4_750, first.BalancesAfter.Single().BalanceCents);
        Assert.Equal(1, await wallets.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND idempotency_key = 'terminal-7/sale-42'", ("p", pupil)));
    }

    [Fact]
    public async Task A_key_reused_for_a_different_movement_is_refused()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        await purse.CreditAsync(WalletCluster.TopUp(5_000));
        Assert.True((await purse.DebitAsync(WalletCluster.Sale(250, key: "sale-1"))).Accepted);

        var other = await purse.DebitAsync(WalletCluster.Sale(990, key: "sale-1"));
        Assert.Equal(DeclineReason.KeyReusedForAnotherMovement, other.Reason);
        Assert.Equal(4_750, (await purse.GetCompartmentsAsync())[0].BalanceCents);
    }

    [Fact]
    public async Task A_debit_below_the_floor_is_declined_with_what_is_available_and_nothing_moves()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        await purse.CreditAsync(WalletCluster.TopUp(300, compartment: 2));

        // The demo's meal compartment allows 5 € of overdraft.
        var declined = await purse.DebitAsync(WalletCluster.Sale(900, compartment: 2));
        Assert.False(declined.Accepted);
        Assert.Equal(DeclineReason.InsufficientFunds, declined.Reason);
        Assert.Equal(800, declined.AvailableCents);
        Assert.True((await purse.DebitAsync(WalletCluster.Sale(800, compartment: 2))).Accepted);
        Assert.Equal(-500, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents);

        Assert.Equal(DeclineReason.InvalidAmount, (await purse.DebitAsync(WalletCluster.Sale(0))).Reason);
        Assert.Equal(DeclineReason.UnknownCompartment, (await purse.DebitAsync(WalletCluster.Sale(10, compartment: 3))).Reason);
    }

    [Fact]
    public async Task A_transfer_moves_both_sides_or_neither()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        await purse.CreditAsync(WalletCluster.TopUp(2_000));
        var actor = new Actor(ActorKind.User, "parent", "Parent");

        var done = await purse.TransferAsync(new Transfer("transfer-1", 1, 2, 1_500, actor));
        Assert.True(done.Accepted);
        Assert.Equal(2, done.EntryIds.Count);
        var tooMuch = await purse.TransferAsync(new Transfer("transfer-2", 1, 2, 501, actor));
        Assert.Equal(DeclineReason.InsufficientFunds, tooMuch.Reason);
        Assert.Equal(DeclineReason.SameCompartment, (await purse.TransferAsync(new Transfer("transfer-3", 2, 2, 1, actor))).Reason);

        var balances = (await purse.GetCompartmentsAsync()).ToDictionary(c => c.Compartment, c => c.BalanceCents);
        Assert.Equal(500, balances[1]);
        Assert.Equal(1_500, balances[2]);
        Assert.Equal(0, await wallets.Database.ScalarAsync<long>(
            "SELECT coalesce(sum(amount_cents), 0)::bigint FROM ledger_entries WHERE pupil_id = @p AND kind = 'internal_transfer'", ("p", pupil)));
    }

    [Fact]
    public async Task Every_compartment_has_a_valid_structured_communication_for_the_whole_schooling()
    {
        var pupil = await wallets.NewPupilAsync();
        var compartments = await wallets.Purse(pupil).GetCompartmentsAsync();
        Assert.Equal(["Portefeuille général", "Repas"], compartments.Select(c => c.Name));
        foreach (var compartment in compartments)
        {
            Assert.True(StructuredCommunication.TryParse(compartment.Communication.ToString(), out var parsed));
            Assert.Equal(compartment.Communication, parsed);
            Assert.StartsWith("+++1", compartment.Communication.ToString());
        }
        Assert.NotEqual(compartments[0].Communication, compartments[1].Communication);
    }

    [Fact]
    public async Task A_purse_whose_balance_was_moved_by_another_writer_refuses_its_batch_and_reloads()
    {
        var pupil = await wallets.NewPupilAsync();
        var purse = wallets.Purse(pupil);
        await purse.CreditAsync(WalletCluster.TopUp(1_000));
        // What a second activation of the same purse would do, for a moment, during a membership change.
        await using (var other = wallets.Database.Db.CreateCommand("""
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject_code,
                                        subject_args, caused_by_kind, idempotency_key, occurred_at)
            SELECT school_id, pupil_id, 1, -300, 700, 'sale', 'verbatim', '["Vente ailleurs"]', 'terminal', 'elsewhere', now()
            FROM purse_compartments WHERE pupil_id = @p AND compartment = 1;
            UPDATE purse_compartments SET balance_cents = 700 WHERE pupil_id = @p AND compartment = 1;
            """))
        {
            other.Parameters.AddWithValue("p", pupil);
            await other.ExecuteNonQueryAsync();
        }

        await Assert.ThrowsAsync<PurseUnavailableException>(() => purse.DebitAsync(WalletCluster.Sale(100, key: "stale")));
        Assert.Equal(0, await wallets.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND idempotency_key = 'stale'", ("p", pupil)));

        var retried = await purse.DebitAsync(WalletCluster.Sale(100, key: "stale"));
        Assert.True(retried.Accepted);
        Assert.Equal(600, retried.BalancesAfter.Single().BalanceCents);
    }

    [Fact]
    public async Task The_ledger_refuses_edits_and_deletions()
    {
        var pupil = await wallets.NewPupilAsync();
        await wallets.Purse(pupil).CreditAsync(WalletCluster.TopUp(1_000));
        await using var update = wallets.Database.Db.CreateCommand("UPDATE ledger_entries SET amount_cents = 1 WHERE pupil_id = @p");
        update.Parameters.AddWithValue("p", pupil);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => update.ExecuteNonQueryAsync());
        await using var delete = wallets.Database.Db.CreateCommand("DELETE FROM ledger_entries WHERE pupil_id = @p");
        delete.Parameters.AddWithValue("p", pupil);
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => delete.ExecuteNonQueryAsync());
    }
}