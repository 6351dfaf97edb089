using ItSchool.Schools;
using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

/// <summary>
/// Spending limits enforced by the purse on PostgreSQL, with the balance: a race of purchases stops exactly at the limit,
/// replays change nothing, a void gives the amount back, what was spent survives the purse's reactivation, and what no
/// limit counts (a meal, an invoice) passes.
/// </summary>
public sealed class SpendingLimitTests(WalletCluster wallets) : IClassFixture<WalletCluster>
{
    static Debit Snack(long cents, string key) => WalletCluster.Sale(cents, key) with { Spend = new Spend(SpendKind.Snacks, ["JUS"], ["Boissons"]) };

    async Task<Guid> PupilWithLimitAsync(int scope, long? dailyCents, long? weeklyCents, long walletCents = 10_000)
    {
        var pupil = await wallets.NewPupilAsync();
        var guardian = await wallets.Database.ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'amelie.lefevre'");
        await wallets.Database.ScalarAsync<int>("""
            INSERT INTO spending_limits (pupil_id, scope, daily_cents, weekly_cents, set_by, set_at) VALUES (@pupil, @scope, @daily, @weekly, @guardian, now())
            RETURNING 1
            """, ("pupil", pupil), ("scope", (short)scope), ("daily", (object?)dailyCents ?? DBNull.Value), ("weekly", (object?)weeklyCents ?? DBNull.Value),
            ("guardian", guardian));
        Assert.True((await wallets.Purse(pupil).CreditAsync(WalletCluster.TopUp(walletCents))).Accepted);
        return pupil;
    }

    [Fact]
    public async Task Sixty_four_concurrent_purchases_stop_exactly_at_the_daily_limit_and_their_replays_change_nothing()
    {
        var pupil = await PupilWithLimitAsync((int)SpendKind.Snacks, 1_000, null);
        var purse = wallets.Purse(pupil);
        var sales = Enumerable.Range(0, 64).Select(i => Snack(90, $"limit-race/{pupil}/{i}")).ToList();

        var first = await Task.WhenAll(sales.Select(purse.DebitAsync));
        var replays = await Task.WhenAll(sales.Select(purse.DebitAsync));

        Assert.Equal(11, first.Count(r => r.Accepted));
        Assert.All(first.Where(r => !r.Accepted), r =>
        {
            Assert.Equal(DeclineReason.DailyLimitExceeded, r.Reason);
            Assert.Equal(10, r.AvailableCents);
        });
        Assert.Equal(first.Where(r => r.Accepted).Select(r => r.EntryIds), replays.Where(r => r.Accepted).Select(r => r.EntryIds));
        Assert.Equal(11, replays.Count(r => r.Accepted));
        Assert.Equal(10_000 - 11 * 90, (await purse.GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents);
        Assert.Equal(990L, await wallets.Database.ScalarAsync<long>(
            "SELECT -sum(amount_cents)::bigint FROM ledger_entries WHERE pupil_id = @p AND spend_kind = 2", ("p", pupil)));
    }

    [Fact]
    public async Task A_void_gives_the_amount_back_to_the_limit_and_what_no_limit_counts_passes()
    {
        var pupil = await PupilWithLimitAsync(SpendingRules.AllPurchases, 500, null);
        var purse = wallets.Purse(pupil);
        Assert.True((await purse.DebitAsync(Snack(400, $"v/{pupil}/1"))).Accepted);
        Assert.Equal(DeclineReason.DailyLimitExceeded, (await purse.DebitAsync(Snack(200, $"v/{pupil}/2"))).Reason);

        var voided = await purse.CreditAsync(WalletCluster.TopUp(400, $"pos-void/{pupil}") with { Kind = MovementKind.Cancellation, Spend = SpendKind.Snacks });
        Assert.True(voided.Accepted);
        Assert.True((await purse.DebitAsync(Snack(200, $"v/{pupil}/3"))).Accepted);

        // A meal booked ahead or an invoice paid from the wallet carries no purchase kind: no limit counts it.
        Assert.True((await purse.DebitAsync(WalletCluster.Sale(3_000, $"v/{pupil}/meal") with { Kind = MovementKind.MealReservation })).Accepted);
    }

    [Fact]
    public async Task What_was_spent_today_is_read_back_from_the_ledger_when_the_purse_opens_again()
    {
        var pupil = await PupilWithLimitAsync((int)SpendKind.Snacks, 1_000, 1_500);
        Assert.True((await wallets.Purse(pupil).DebitAsync(Snack(800, $"r/{pupil}/1"))).Accepted);

        // The purse's opening reads today's and this week's spending per kind from the ledger.
        var opened = await new Ledger(wallets.Database.Db).OpenAsync(pupil, DateTimeOffset.UtcNow);
        Assert.Equal((800, 800), opened.Spent.Spent((int)SpendKind.Snacks, DateTimeOffset.UtcNow));
        Assert.Equal((0, 0), opened.Spent.Spent((int)SpendKind.Canteen, DateTimeOffset.UtcNow));
        Assert.Equal([new SpendingLimit((int)SpendKind.Snacks, 1_000, 1_500)], opened.Rules.Spending.Limits);

        await wallets.Cluster.GrainFactory.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var reopened = wallets.Purse(pupil);
        var refused = await reopened.DebitAsync(Snack(300, $"r/{pupil}/2"));
        Assert.Equal(DeclineReason.DailyLimitExceeded, refused.Reason);
        Assert.Equal(200, refused.AvailableCents);
        Assert.True((await reopened.DebitAsync(Snack(200, $"r/{pupil}/3"))).Accepted);
    }

    [Fact]
    public async Task A_guardians_new_limit_and_a_blocked_category_apply_from_the_next_purchase_once_the_purse_is_told()
    {
        var pupil = await PupilWithLimitAsync((int)SpendKind.Shop, 5_000, null);
        var purse = wallets.Purse(pupil);
        Assert.True((await purse.DebitAsync(Snack(300, $"b/{pupil}/1"))).Accepted);

        var guardian = await wallets.Database.ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'amelie.lefevre'");
        await wallets.Database.ScalarAsync<int>("""
            INSERT INTO spending_blocks (pupil_id, kind, value, set_by, set_at) VALUES (@pupil, 'category', 'boissons', @guardian, now()) RETURNING 1
            """, ("pupil", pupil), ("guardian", guardian));
        await purse.RulesChangedAsync();

        var refused = await purse.DebitAsync(Snack(100, $"b/{pupil}/2"));
        Assert.Equal(DeclineReason.ArticleNotAllowed, refused.Reason);
        Assert.True((await purse.DebitAsync(Snack(100, $"b/{pupil}/3") with { Spend = new Spend(SpendKind.Snacks, ["POMME"], ["Collations"]) })).Accepted);
        // The school's ceiling below the guardians' limit is the limit.
        await wallets.Database.ScalarAsync<int>(
            "INSERT INTO spending_ceilings (school_id, scope, daily_cents) VALUES (@school, 0, 450) RETURNING 1", ("school", DemoSchool.Id));
        try
        {
            await purse.RulesChangedAsync();
            var capped = await purse.DebitAsync(Snack(100, $"b/{pupil}/4") with { Spend = new Spend(SpendKind.Shop, ["POMME"], []) });
            Assert.Equal(DeclineReason.DailyLimitExceeded, capped.Reason);
            Assert.Equal(50, capped.AvailableCents);
        }
        finally
        {
            await wallets.Database.ScalarAsync<int>("DELETE FROM spending_ceilings WHERE school_id = @school RETURNING 1", ("school", DemoSchool.Id));
        }
    }
}