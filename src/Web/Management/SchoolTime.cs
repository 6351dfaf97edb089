using System.Globalization;

namespace ItSchool.Web.Management;

/// <summary>
/// Moments as a Belgian school reads them: in Brussels time (the database keeps UTC), in the request's
/// culture (fr-BE: <c>26/08/2025 14:05</c>).
/// </summary>
public static class SchoolTime
{
    static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    public static string Date(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Brussels).ToString("d", CultureInfo.CurrentCulture);

    public static string DateAndTime(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Brussels).ToString("g", CultureInfo.CurrentCulture);

    /// <summary>The school's wall-clock time of a moment (what a datetime-local field shows).</summary>
    public static DateTime Local(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Brussels).DateTime;
}