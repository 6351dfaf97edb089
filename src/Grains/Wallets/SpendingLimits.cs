namespace ItSchool.Wallets;

/// <summary>What kind of purchase a sale is, by the terminal that made it; the values are kept in <c>ledger_entries.spend_kind</c>.</summary>
public enum SpendKind
{
    Canteen = 1,
    Snacks = 2,
    Shop = 3,
}

/// <summary>What a debit buys, for the limits the purse enforces with the balance: its kind, and its articles' codes and categories.</summary>
[GenerateSerializer, Immutable]
public sealed record Spend(
    [property: Id(0)] SpendKind Kind,
    [property: Id(1)] IReadOnlyList<string> ArticleCodes,
    [property: Id(2)] IReadOnlyList<string> Categories);

/// <summary>A limit in force for a scope (<see cref="SpendingRules.AllPurchases"/> or a <see cref="SpendKind"/>): the guardians' or the school's ceiling, the lower.</summary>
public sealed record SpendingLimit(int Scope, long? DailyCents, long? WeeklyCents);

/// <summary>Why a purchase is refused by the child's rules, and what is left today when a limit refused it.</summary>
public sealed record SpendingVerdict(DeclineReason Reason, long? AvailableCents);

/// <summary>
/// A child's spending rules as the purse holds them: the limits in force per scope and what the child may not buy. A
/// purchase counts in its kind's scope and in the scope of all purchases; a category matches whatever its capitals, since
/// the school types it freely.
/// </summary>
public sealed record SpendingRules(IReadOnlyList<SpendingLimit> Limits, IReadOnlyList<string> BlockedArticles, IReadOnlyList<string> BlockedCategories)
{
    public const int AllPurchases = 0;

    public static SpendingRules None { get; } = new([], [], []);

    public SpendingVerdict? Judge(Spend spend, long amountCents, SpendTally tally, DateTimeOffset now)
    {
        if (spend.ArticleCodes.Any(code => BlockedArticles.Contains(code, StringComparer.OrdinalIgnoreCase))
            || spend.Categories.Any(category => BlockedCategories.Contains(category, StringComparer.OrdinalIgnoreCase)))
        {
            return new SpendingVerdict(DeclineReason.ArticleNotAllowed, null);
        }
        var applying = Limits.Where(l => l.Scope == AllPurchases || l.Scope == (int)spend.Kind).ToList();
        if (applying.Count == 0)
        {
            return null;
        }
        var left = applying.Select(limit =>
        {
            var (day, week) = tally.Spent(limit.Scope, now);
            return (Day: limit.DailyCents - day, Week: limit.WeeklyCents - week);
        }).ToList();
        var leftToday = Math.Max(0, left.SelectMany(l => new[] { l.Day, l.Week }).OfType<long>().Min());
        if (left.Any(l => l.Day < amountCents))
        {
            return new SpendingVerdict(DeclineReason.DailyLimitExceeded, leftToday);
        }
        return left.Any(l => l.Week < amountCents) ? new SpendingVerdict(DeclineReason.WeeklyLimitExceeded, leftToday) : null;
    }
}

/// <summary>
/// What the child spent today and this week (Brussels days, weeks from Monday) per kind, as the purse counts it: the
/// ledger's sums at opening, then each purchase as it is decided (a void gives its amount back). A new day or week starts
/// its count at zero.
/// </summary>
public sealed class SpendTally
{
    readonly Dictionary<SpendKind, Count> counts = [];

    sealed record Count(DateOnly Day, long DayCents, DateOnly Week, long WeekCents);

    /// <summary>The tally as the ledger says at <paramref name="now"/>: each kind's spending of today and of this week.</summary>
    public static SpendTally Opened(DateTimeOffset now, IEnumerable<(SpendKind Kind, long TodayCents, long WeekCents)> spent)
    {
        var tally = new SpendTally();
        var day = Schools.SchoolTime.Day(now);
        foreach (var (kind, today, week) in spent)
        {
            tally.counts[kind] = new Count(day, today, WeekOf(day), week);
        }
        return tally;
    }

    /// <summary>The moments from which today's and this week's spending count.</summary>
    public static (DateTimeOffset Today, DateTimeOffset Week) Starts(DateTimeOffset now)
    {
        var day = Schools.SchoolTime.Day(now);
        return (Schools.SchoolTime.Midnight(day), Schools.SchoolTime.Midnight(WeekOf(day)));
    }

    /// <summary>A purchase (a negative ledger amount) or its void (positive) at <paramref name="at"/>.</summary>
    public void Record(SpendKind kind, long ledgerAmountCents, DateTimeOffset at)
    {
        var day = Schools.SchoolTime.Day(at);
        var count = counts.GetValueOrDefault(kind) ?? new Count(day, 0, WeekOf(day), 0);
        if (count.Week != WeekOf(day))
        {
            count = new Count(day, 0, WeekOf(day), 0);
        }
        else if (count.Day != day)
        {
            count = count with { Day = day, DayCents = 0 };
        }
        counts[kind] = count with { DayCents = count.DayCents - ledgerAmountCents, WeekCents = count.WeekCents - ledgerAmountCents };
    }

    /// <summary>Spent today and this week in a scope: one kind, or all of them.</summary>
    public (long Today, long Week) Spent(int scope, DateTimeOffset now)
    {
        var day = Schools.SchoolTime.Day(now);
        var (today, week) = (0L, 0L);
        foreach (var (kind, count) in counts)
        {
            if ((scope == SpendingRules.AllPurchases || scope == (int)kind) && count.Week == WeekOf(day))
            {
                week += count.WeekCents;
                today += count.Day == day ? count.DayCents : 0;
            }
        }
        return (today, week);
    }

    static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}