using ItSchool.Meals;
using Microsoft.Extensions.Localization;
using static ItSchool.Web.Platform.ICalendarText;

namespace ItSchool.Web.Meals;

/// <summary>
/// A pupil's booked meals as an iCalendar feed (RFC 5545): one all-day event per booking, whose UID is the
/// booking's, so a calendar that syncs again keeps the same events and drops those no longer in the feed.
/// </summary>
public static class MealCalendarFeed
{
    public const string ContentType = "text/calendar; charset=utf-8";

    public static string For(MealFeed feed, DateTimeOffset now, IStringLocalizer<MealNoticeText> T)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//ItSchool//Repas//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            $"X-WR-CALNAME:{Text(T["Feed.CalendarName", feed.PupilFirstName, feed.SchoolName])}",
            // A hint to the apps that honour it; Google and Outlook choose their own pace.
            "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
            "X-PUBLISHED-TTL:PT6H",
        };
        foreach (var meal in feed.Meals)
        {
            lines.AddRange(
            [
                "BEGIN:VEVENT",
                $"UID:meal-{meal.BookingId:N}@itschool",
                $"DTSTAMP:{Utc(now)}",
                $"DTSTART;VALUE=DATE:{Date(meal.Day)}",
                $"DTEND;VALUE=DATE:{Date(meal.Day.AddDays(1))}",
                $"SUMMARY:{Text(T["Feed.Summary", meal.Label, feed.PupilFirstName])}",
                $"LOCATION:{Text(feed.SchoolName)}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]);
        }
        lines.Add("END:VCALENDAR");
        return Lines(lines);
    }
}