using System.Globalization;

namespace ItSchool.Schools;

/// <summary>
/// Time and language as a Belgian school lives them. The database and the grains keep moments in UTC; a person reads them,
/// and types them, in Brussels wall-clock time, whatever zone the server runs in. Nothing here looks at the
/// machine's own zone: a server in UTC, in Brussels or in Tokyo shows the same times.
/// </summary>
public static class SchoolTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>
    /// The school's culture: its language and how it writes numbers. A page is written in its reader's culture
    /// (the request's, <c>CultureInfo.CurrentCulture</c>, which falls back to this one); this one is for what
    /// has no reader yet: a CSV for the school's spreadsheets, a default for a request that asks for nothing.
    /// </summary>
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("fr-BE");

    /// <summary>The cultures a reader may ask for; the school's comes first.</summary>
    public static readonly IReadOnlyList<CultureInfo> Cultures = [Culture, CultureInfo.GetCultureInfo("nl-BE"), CultureInfo.GetCultureInfo("en-BE")];

    /// <summary>The school's wall-clock time of a moment (what a person reads, what a datetime-local field shows).</summary>
    public static DateTime Local(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Zone).DateTime;

    /// <summary>The Belgian calendar day a moment falls on.</summary>
    public static DateOnly Day(DateTimeOffset moment) => DateOnly.FromDateTime(Local(moment));

    public static DateOnly Today(TimeProvider clock) => Day(clock.GetUtcNow());

    /// <summary>The UTC moment of a Brussels wall-clock time (a time skipped by the spring change counts as after it).</summary>
    public static DateTimeOffset Moment(DateTime wallClock)
    {
        var local = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            local = local.AddHours(1);
        }
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateTimeOffset Moment(DateOnly day, TimeOnly time) => Moment(day.ToDateTime(time));

    /// <summary>The moment a Belgian day starts.</summary>
    public static DateTimeOffset Midnight(DateOnly day) => Moment(day, TimeOnly.MinValue);

    /// <summary>A date as Belgians write it: 16/12/2026.</summary>
    public static string Date(DateTimeOffset moment) => Date(Day(moment));

    public static string Date(DateOnly day) => day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>A date and time as Belgians write it: 16/12/2026 14:05.</summary>
    public static string DateAndTime(DateTimeOffset moment) => Local(moment).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
}