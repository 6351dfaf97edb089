using ItSchool.Schools;
using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

/// <summary>
/// Low-balance alerts decided by the purse itself, on PostgreSQL: once per crossing under a race of debits and their
/// replays, written with the movement that crossed, armed again by a top-up, and following the school's default.
/// </summary>
public sealed class BalanceAlertTests(WalletCluster wallets) : IClassFixture<WalletCluster>
{
    async Task<(Guid Pupil, Guid Guardian, Guid Other)> FamilyAsync()
    {
        var pupil = await wallets.NewPupilAsync();
        var guardian = await wallets.Database.ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'amelie.lefevre'");
        var other = await wallets.Database.ScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'pierre.lefevre'");
        foreach (var user in new[] { guardian, other })
        {
            await wallets.Database.ScalarAsync<int>(
                "INSERT INTO guardianships (school_id, user_id, pupil_id) VALUES (@school, @user, @pupil) RETURNING 1",
                ("school", DemoSchool.Id), ("user", user), ("pupil", pupil));
        }
        return (pupil, guardian, other);
    }

    Task<int> ThresholdAsync(Guid pupil, Guid guardian, long? cents, int compartment = 1) =>
        wallets.Database.ScalarAsync<int>("""
            INSERT INTO balance_alert_settings (pupil_id, compartment, guardian_id, follows_default, threshold_cents, repeat_days)
            VALUES (@pupil, @compartment, @guardian, false, @cents, 2)
            ON CONFLICT (pupil_id, compartment, guardian_id) DO UPDATE SET threshold_cents = excluded.threshold_cents
            RETURNING 1
            """, ("pupil", pupil), ("compartment", (short)compartment), ("guardian", guardian), ("cents", (object?)cents ?? DBNull.Value));

    Task<long> AlertsAsync(Guid pupil, Guid guardian) =>
        wallets.Database.ScalarAsync<long>("SELECT count(*) FROM balance_alerts WHERE pupil_id = @pupil AND guardian_id = @guardian",
            ("pupil", pupil), ("guardian", guardian));

    [Fact]
    public async Task Sixty_four_concurrent_debits_and_their_replays_cross_the_threshold_once_and_raise_one_alert()
    {
        var (pupil, guardian, other) = await FamilyAsync();
        await ThresholdAsync(pupil, guardian, 1_000);
        var purse = wallets.Purse(pupil);
        Assert.True((await purse.CreditAsync(WalletCluster.TopUp(5_000))).Accepted);

        var sales = Enumerable.Range(0, 64).Select(i => WalletCluster.Sale(100, key: $"race/{pupil}/{i}")).ToList();
        var first = await Task.WhenAll(sales.Select(purse.DebitAsync));
        var replays = await Task.WhenAll(sales.Concat(sales).Select(purse.DebitAsync));

        Assert.Equal(50, first.Count(r => r.Accepted));
        Assert.Equal(first.Where(r => r.Accepted).Select(r => r.EntryIds), replays.Take(64).Where(r => r.Accepted).Select(r => r.EntryIds));
        Assert.Equal(1, await AlertsAsync(pupil, guardian));
        Assert.Equal(0, await AlertsAsync(pupil, other));
        // The alert names the balance the crossing left: the first sale that went under 10 €.
        Assert.Equal(900, await wallets.Database.ScalarAsync<long>("SELECT balance_cents FROM balance_alerts WHERE pupil_id = @p", ("p", pupil)));
        Assert.Equal(1, await wallets.Database.ScalarAsync<long>("SELECT count(*) FROM balance_alert_state WHERE pupil_id = @p", ("p", pupil)));
    }

    [Fact]
    public async Task A_top_up_back_over_the_threshold_arms_the_alert_again()
    {
        var (pupil, guardian, _) = await FamilyAsync();
        await ThresholdAsync(pupil, guardian, 1_000);
        var purse = wallets.Purse(pupil);
        await purse.RulesChangedAsync();
        await purse.CreditAsync(WalletCluster.TopUp(1_500));
        await purse.DebitAsync(WalletCluster.Sale(600));
        await purse.DebitAsync(WalletCluster.Sale(100));
        Assert.Equal(1, await AlertsAsync(pupil, guardian));

        await purse.CreditAsync(WalletCluster.TopUp(1_000));
        Assert.Equal(0, await wallets.Database.ScalarAsync<long>("SELECT count(*) FROM balance_alert_state WHERE pupil_id = @p", ("p", pupil)));
        await purse.DebitAsync(WalletCluster.Sale(1_000));
        Assert.Equal(2, await AlertsAsync(pupil, guardian));
    }

    [Fact]
    public async Task The_schools_default_alerts_guardians_who_chose_nothing_and_a_guardian_may_turn_it_off()
    {
        var (pupil, guardian, other) = await FamilyAsync();
        await wallets.Database.ScalarAsync<int>("""
            INSERT INTO balance_alert_defaults (school_id, compartment, threshold_cents) VALUES (@school, 2, 800)
            ON CONFLICT (school_id, compartment) DO UPDATE SET threshold_cents = 800 RETURNING 1
            """, ("school", DemoSchool.Id));
        try
        {
            await ThresholdAsync(pupil, other, null, compartment: 2);
            var purse = wallets.Purse(pupil);
            await purse.RulesChangedAsync();
            await purse.CreditAsync(WalletCluster.TopUp(1_000, compartment: 2));
            Assert.True((await purse.DebitAsync(WalletCluster.Sale(450, compartment: 2))).Accepted);

            Assert.Equal(1, await AlertsAsync(pupil, guardian));
            Assert.Equal(0, await AlertsAsync(pupil, other));
        }
        finally
        {
            await wallets.Database.ScalarAsync<int>("DELETE FROM balance_alert_defaults WHERE school_id = @school RETURNING 1", ("school", DemoSchool.Id));
        }
    }
}