using ItSchool.Schools;
using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

/// <summary>The spending rule and its tally alone: Brussels days and Monday weeks, each scope, what is left today, blocked purchases.</summary>
public sealed class SpendingRuleTests
{
    // Wednesday 9 December 2026, noon in Brussels (winter time, UTC+1).
    static readonly DateTimeOffset Wednesday = SchoolTime.Moment(new DateOnly(2026, 12, 9), new TimeOnly(12, 0));

    static Spend Snack(params string[] categories) => new(SpendKind.Snacks, ["JUS"], categories);

    static SpendingRules Limits(params SpendingLimit[] limits) => new(limits, [], []);

    [Fact]
    public void The_tally_counts_today_and_the_week_and_starts_again_at_Brussels_midnight_and_on_Monday()
    {
        var tally = new SpendTally();
        tally.Record(SpendKind.Snacks, -300, Wednesday);
        tally.Record(SpendKind.Canteen, -400, Wednesday.AddHours(1));
        Assert.Equal((300, 300), tally.Spent((int)SpendKind.Snacks, Wednesday));
        Assert.Equal((700, 700), tally.Spent(SpendingRules.AllPurchases, Wednesday));

        // 23:30 UTC on Wednesday is already Thursday in Brussels: a new day, the same week.
        var thursday = new DateTimeOffset(2026, 12, 9, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal((0, 700), tally.Spent(SpendingRules.AllPurchases, thursday));
        tally.Record(SpendKind.Snacks, -100, thursday);
        Assert.Equal((100, 400), tally.Spent((int)SpendKind.Snacks, thursday));

        // Sunday 23:30 UTC is Monday 00:30 in Brussels: a new week.
        var monday = new DateTimeOffset(2026, 12, 13, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal((0, 0), tally.Spent(SpendingRules.AllPurchases, monday));
        tally.Record(SpendKind.Snacks, -50, monday);
        Assert.Equal((50, 50), tally.Spent(SpendingRules.AllPurchases, monday));
    }

    [Fact]
    public void A_void_gives_its_amount_back_and_the_ledger_opens_the_tally_where_it_stood()
    {
        var tally = SpendTally.Opened(Wednesday, [(SpendKind.Shop, 200, 900)]);
        Assert.Equal((200, 900), tally.Spent((int)SpendKind.Shop, Wednesday));
        tally.Record(SpendKind.Shop, 150, Wednesday);
        Assert.Equal((50, 750), tally.Spent((int)SpendKind.Shop, Wednesday));
        Assert.Equal((0, 0), tally.Spent((int)SpendKind.Canteen, Wednesday));
    }

    [Fact]
    public void A_daily_limit_refuses_what_passes_it_and_says_what_is_left_today()
    {
        var rules = Limits(new SpendingLimit((int)SpendKind.Snacks, 500, null));
        var tally = new SpendTally();
        tally.Record(SpendKind.Snacks, -450, Wednesday);

        Assert.Null(rules.Judge(Snack(), 50, tally, Wednesday));
        Assert.Equal(new SpendingVerdict(DeclineReason.DailyLimitExceeded, 50), rules.Judge(Snack(), 90, tally, Wednesday));
        // The canteen is another scope: the snacks' limit does not touch it.
        Assert.Null(rules.Judge(new Spend(SpendKind.Canteen, ["SANDWICH"], []), 2_000, tally, Wednesday));
        // Tomorrow the day starts again.
        Assert.Null(rules.Judge(Snack(), 500, tally, Wednesday.AddDays(1)));
    }

    [Fact]
    public void The_limit_of_all_purchases_and_a_weekly_limit_apply_together_with_the_kinds_own()
    {
        var rules = Limits(new SpendingLimit(SpendingRules.AllPurchases, 1_000, 5_000), new SpendingLimit((int)SpendKind.Canteen, null, 1_500));
        var tally = SpendTally.Opened(Wednesday, [(SpendKind.Canteen, 0, 1_400), (SpendKind.Shop, 300, 500)]);

        // 7 € are left today overall, but 1 € of the canteen's 15 this week: the canteen's week refuses, and 1 € is what is left.
        Assert.Equal(new SpendingVerdict(DeclineReason.WeeklyLimitExceeded, 100), rules.Judge(new Spend(SpendKind.Canteen, [], []), 350, tally, Wednesday));
        Assert.Null(rules.Judge(new Spend(SpendKind.Canteen, [], []), 100, tally, Wednesday));
        // The shop has no limit of its own, but all purchases have: 7 € left today.
        Assert.Equal(new SpendingVerdict(DeclineReason.DailyLimitExceeded, 700), rules.Judge(new Spend(SpendKind.Shop, [], []), 800, tally, Wednesday));
    }

    [Fact]
    public void A_blocked_article_or_category_is_refused_whatever_its_capitals_and_whatever_the_limits()
    {
        var rules = new SpendingRules([], ["CASIER"], ["collations"]);
        var tally = new SpendTally();
        Assert.Equal(DeclineReason.ArticleNotAllowed, rules.Judge(Snack("Collations"), 50, tally, Wednesday)!.Reason);
        Assert.Equal(DeclineReason.ArticleNotAllowed, rules.Judge(new Spend(SpendKind.Shop, ["JUS", "casier"], ["Boissons"]), 50, tally, Wednesday)!.Reason);
        Assert.Null(rules.Judge(Snack("Boissons"), 50, tally, Wednesday));
        Assert.Null(SpendingRules.None.Judge(Snack("Collations"), 1_000_000, tally, Wednesday));
    }
}