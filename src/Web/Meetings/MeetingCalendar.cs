using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using static ItSchool.Web.Platform.ICalendarText;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The appointment as an iCalendar file (RFC 5545) for the parent's calendar. Its UID stays the same for a
/// parent, a pupil and a teacher through moves and cancellation, so a calendar updates the one event instead
/// of adding another; SEQUENCE grows with each version.
/// </summary>
public static class MeetingCalendar
{
    public static string For(MeetingChange change, string schoolName, string pupilName, DateTimeOffset now)
    {
        var evening = change.Evening;
        var cancelled = change.Kind == MeetingChangeKind.Cancelled;
        var lines = new List<string>
        {
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//ItSchool//Reunions de parents//FR",
            "CALSCALE:GREGORIAN",
            cancelled ? "METHOD:CANCEL" : "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            $"UID:meeting-{evening.Id:N}-{change.Teacher.TeacherId:N}-{change.ParentId:N}-{change.PupilId:N}@itschool",
            $"SEQUENCE:{now.ToUnixTimeSeconds() - new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}",
            $"DTSTAMP:{Utc(now)}",
            $"DTSTART:{Utc(Instant(evening, change.Slot))}",
            $"DTEND:{Utc(Instant(evening, change.Slot).AddMinutes(evening.SlotMinutes))}",
            $"SUMMARY:{Text($"{evening.Name} – {change.Teacher.Name} ({pupilName})")}",
            $"LOCATION:{Text(string.IsNullOrEmpty(change.Teacher.Room) ? schoolName : $"{schoolName}, {change.Teacher.Room}")}",
            cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
        };
        return ICalendarText.Lines(lines);
    }

    /// <summary>The moment a slot starts, from the school's (Brussels) wall-clock time.</summary>
    public static DateTimeOffset Instant(MeetingEvening evening, int slot) =>
        SchoolTime.Moment(evening.SlotDay(slot), evening.SlotStart(slot));
}