using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

/// <summary>The low-balance rule alone, on the entries of one batch: when an alert is raised, kept quiet, and armed again.</summary>
public sealed class BalanceAlertRuleTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 7, 11, 0, 0, TimeSpan.Zero);
    static readonly Guid Anne = Guid.NewGuid();
    static readonly Guid Bert = Guid.NewGuid();

    static NewEntry Entry(long amount, long after, int compartment = 1) =>
        new(compartment, amount, after, amount < 0 ? MovementKind.Sale : MovementKind.BankTopUp, PaymentMethod.Wallet, LedgerSubject.BankTopUp,
            Actor.System, Guid.NewGuid().ToString(), Now);

    static (IReadOnlyList<AlertWatcher> After, BalanceAlertsWritten? Written) Decide(IReadOnlyList<AlertWatcher> watchers, params NewEntry[] entries) =>
        BalanceAlerts.Decide(Guid.NewGuid(), Guid.NewGuid(), watchers, entries, Now);

    [Fact]
    public void A_debit_crossing_the_threshold_raises_one_alert_and_the_next_debits_below_stay_quiet()
    {
        var (after, written) = Decide([new(Anne, 1, 1_000, 2, null)], Entry(-300, 1_200), Entry(-300, 900), Entry(-300, 600));
        var alert = Assert.Single(written!.Raised);
        Assert.Equal((Anne, 900L, 1_000L), (alert.GuardianId, alert.BalanceCents, alert.ThresholdCents));
        Assert.Equal(Now, Assert.Single(after).AlertedAt);

        var (_, quiet) = Decide(after, Entry(-100, 500));
        Assert.Null(quiet);
    }

    [Fact]
    public void After_the_guardians_repeat_days_a_debit_below_alerts_again()
    {
        var yesterday = new AlertWatcher(Anne, 1, 1_000, 2, Now.AddDays(-1));
        Assert.Null(Decide([yesterday], Entry(-100, 500)).Written);
        var twoDaysAgo = yesterday with { AlertedAt = Now.AddDays(-2) };
        Assert.Single(Decide([twoDaysAgo], Entry(-100, 500)).Written!.Raised);
    }

    [Fact]
    public void Back_at_the_threshold_the_watcher_is_armed_again_and_a_top_up_that_stays_below_raises_nothing()
    {
        var alerted = new AlertWatcher(Anne, 1, 1_000, 2, Now.AddHours(-1));
        Assert.Null(Decide([alerted], Entry(200, 700)).Written);

        var (after, written) = Decide([alerted], Entry(500, 1_000));
        Assert.Empty(written!.Raised);
        Assert.Equal(new AlertStateChange(Anne, 1, null), Assert.Single(written.Changes));
        Assert.Null(Assert.Single(after).AlertedAt);

        // Down, up and down again in one batch: two crossings, two alerts.
        Assert.Equal(2, Decide(after, Entry(-100, 900), Entry(300, 1_200), Entry(-400, 800)).Written!.Raised.Count);
    }

    [Fact]
    public void Each_guardian_and_compartment_is_watched_apart()
    {
        var watchers = new AlertWatcher[] { new(Anne, 1, 1_000, 2, null), new(Bert, 1, 500, 2, null), new(Bert, 2, 2_000, 2, null) };
        var written = Decide(watchers, Entry(-400, 800), Entry(-100, 1_500, compartment: 2)).Written!;
        Assert.Equal([(Anne, 1), (Bert, 2)], written.Raised.Select(a => (a.GuardianId, a.Compartment)).OrderBy(a => a.Compartment));
        Assert.Null(Decide([new(Anne, 1, 1_000, 2, null)], Entry(-100, 500, compartment: 2)).Written);
    }

    [Fact]
    public void A_reload_keeps_the_alert_state_the_purse_holds()
    {
        var held = new AlertWatcher[] { new(Anne, 1, 1_000, 2, Now) };
        var read = new AlertWatcher[] { new(Anne, 1, 2_000, 3, null), new(Bert, 1, 500, 2, Now.AddDays(-5)) };
        Assert.Equal([new(Anne, 1, 2_000, 3, Now), new(Bert, 1, 500, 2, Now.AddDays(-5))], BalanceAlerts.Merge(held, read));
    }
}