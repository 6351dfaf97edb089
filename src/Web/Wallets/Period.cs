namespace ItSchool.Web.Wallets;

/// <summary>
/// The predefined periods of "Opérations financières", in Brussels time: a day starts at midnight in
/// Belgium, not in UTC. The school year runs from 1 September.
/// </summary>
public enum Period
{
    Today,
    Yesterday,
    Last7Days,
    Last30Days,
    ThisMonth,
    LastMonth,
    SchoolYear,
    Custom,
}

public static class Periods
{
    static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    public static DateOnly Today(TimeProvider clock) => DayOf(clock.GetUtcNow());

    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Brussels).DateTime);

    /// <summary>The first day and the last day (both included) of a period.</summary>
    public static (DateOnly First, DateOnly Last) Days(Period period, DateOnly today, DateOnly? from, DateOnly? to) => period switch
    {
        Period.Today => (today, today),
        Period.Yesterday => (today.AddDays(-1), today.AddDays(-1)),
        Period.Last7Days => (today.AddDays(-6), today),
        Period.ThisMonth => (new DateOnly(today.Year, today.Month, 1), today),
        Period.LastMonth => (new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1)),
        Period.SchoolYear => (new DateOnly(today.Month >= 9 ? today.Year : today.Year - 1, 9, 1), today),
        Period.Custom when from is { } f && to is { } t && f <= t => (f, t),
        Period.Custom when from is { } f => (f, today),
        _ => (today.AddDays(-29), today),
    };

    /// <summary>The instants a day range covers: from the first day's midnight to the midnight after the last.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Instants(DateOnly first, DateOnly last) =>
        (Midnight(first), Midnight(last.AddDays(1)));

    static DateTimeOffset Midnight(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Brussels.GetUtcOffset(local)).ToUniversalTime();
    }
}