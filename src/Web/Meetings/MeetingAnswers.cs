using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Management;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

/// <summary>What a person reads after a click on a grid: what was done, or why not, in their words.</summary>
public static class MeetingAnswers
{
    public static string Refusal(IStringLocalizer<MeetingText> M, MeetingEvening evening, Refusal reason) => reason switch
    {
        ItSchool.Meetings.Refusal.OutsideWindow => M["Refusal.OutsideWindow", SchoolTime.DateAndTime(evening.OpensAt), SchoolTime.DateAndTime(evening.ClosesAt)],
        ItSchool.Meetings.Refusal.PupilLimitReached => M["Refusal.PupilLimitReached", evening.MaxPerPupil ?? 0],
        ItSchool.Meetings.Refusal.TeacherLimitReached => M["Refusal.TeacherLimitReached", evening.MaxPerParentPerTeacher],
        ItSchool.Meetings.Refusal.TooCloseToOwnAppointment => M["Refusal.TooCloseToOwnAppointment", evening.SlotMinutes],
        _ => M[$"Refusal.{reason}"],
    };

    /// <summary>A slot's start as people say it: "18:10", with the date in front when the evening spans several.</summary>
    public static string Time(MeetingEvening evening, int slot) =>
        evening.Days.Count == 1 || slot < 0 || slot >= evening.SlotCount
            ? evening.SlotStart(Math.Max(0, slot)).ToString("HH:mm")
            : $"{evening.SlotDay(slot).ToString("ddd d/M")} {evening.SlotStart(slot):HH:mm}";

    /// <summary>The evening's dates in full: "jeudi 8 avril 2027", or "jeudi 8 avril 2027 et vendredi 9 avril 2027".</summary>
    public static string Dates(IStringLocalizer<MeetingText> M, MeetingEvening evening) => Join(M, evening.Days.Select(d => d.ToString("dddd d MMMM yyyy")).ToList());

    /// <summary>The dates as the dashboard's event shows them: "08-04-27", or "08-04-27 et 09-04-27".</summary>
    public static string ShortDates(IStringLocalizer<MeetingText> M, MeetingEvening evening) => Join(M, evening.Days.Select(SchoolTime.Date).ToList());

    static string Join(IStringLocalizer<MeetingText> M, IReadOnlyList<string> parts) =>
        parts.Count == 1 ? parts[0] : M["Dates.Last", string.Join(", ", parts.Take(parts.Count - 1)), parts[^1]];

    /// <summary>A slot number as a form sends it; anything else is a slot that does not exist.</summary>
    public static int Slot(string? value) => int.TryParse(value, out var slot) ? slot : -1;
}