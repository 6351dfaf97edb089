using ItSchool.Schools;

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
    public static DateOnly Today(TimeProvider clock) => SchoolTime.Today(clock);

    /// <summary>The first day and the last day (both included) of a period.</summary>
    public static (DateOnly First, DateOnly Last) Days(Period period, DateOnly today, DateOnly? from, DateOnly? to) => period switch
    {
        Period.Today => (today, today),
        Period.Yesterday => (today.AddDays(-1), today.AddDays(-1)),
        Period.Last7Days => (today.AddDays(-6), today),
        Period.ThisMonth => (new DateOnly(today.Year, today.Month, 1), today),
        Period.LastMonth => (new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1)),
        Period.SchoolYear => (new DateOnly(today.Month >= 9 ? today.Year : today.Year - 1, 9, 1), today),
        // A reversed range stays as typed: it covers no day, and the page says why.
        Period.Custom when from is { } f && to is { } t => (f, t),
        Period.Custom when from is { } f => (f, today),
        _ => (today.AddDays(-29), today),
    };

    /// <summary>The instants a day range covers: from the first day's midnight to the midnight after the last.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Instants(DateOnly first, DateOnly last) =>
        (SchoolTime.Midnight(first), SchoolTime.Midnight(last.AddDays(1)));
}