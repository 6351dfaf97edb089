using ItSchool.Events;
using Microsoft.Extensions.Localization;
using static ItSchool.Web.Platform.ICalendarText;

namespace ItSchool.Web.Events;

/// <summary>
/// A pupil's events as an iCalendar feed (RFC 5545). The UID is the event's, and SEQUENCE counts its changes, so a
/// calendar that syncs again moves a moved event and drops a deleted one. Timed events are written in UTC (no
/// time-zone definition to keep right), all-day ones as dates.
/// </summary>
public static class EventCalendarFeed
{
    public const string ContentType = "text/calendar; charset=utf-8";

    /// <param name="address">The absolute address of an event's page, or null when it has none.</param>
    public static string For(EventFeed feed, DateTimeOffset now, Func<EventLink?, string?> address, IStringLocalizer<EventText> T)
    {
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//ItSchool//Evenements//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            $"X-WR-CALNAME:{Text(T["Feed.CalendarName", feed.PupilFirstName, feed.SchoolName])}",
            // A hint to the apps that honour it; Google and Outlook choose their own pace.
            "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
            "X-PUBLISHED-TTL:PT6H",
        };
        foreach (var e in feed.Events)
        {
            lines.Add("BEGIN:VEVENT");
            lines.Add($"UID:event-{e.Id:N}@itschool");
            lines.Add($"DTSTAMP:{Utc(now)}");
            lines.Add($"LAST-MODIFIED:{Utc(e.UpdatedAt)}");
            lines.Add($"SEQUENCE:{e.Sequence}");
            if (e.AllDay)
            {
                lines.Add($"DTSTART;VALUE=DATE:{Date(e.FirstDay)}");
                lines.Add($"DTEND;VALUE=DATE:{Date(e.LastDay.AddDays(1))}");
            }
            else
            {
                lines.Add($"DTSTART:{Utc(e.Starts)}");
                lines.Add($"DTEND:{Utc(e.Ends)}");
            }
            lines.Add($"SUMMARY:{Text(e.Title)}");
            if (e.Text.Length > 0)
            {
                lines.Add($"DESCRIPTION:{Text(e.Text)}");
            }
            if (address(e.Link) is { } url)
            {
                lines.Add($"URL:{url}");
            }
            lines.Add($"LOCATION:{Text(feed.SchoolName)}");
            lines.Add("TRANSP:TRANSPARENT");
            lines.Add("END:VEVENT");
        }
        lines.Add("END:VCALENDAR");
        return Lines(lines);
    }
}