using ItSchool.Meetings;
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

    public static string Time(MeetingEvening evening, int slot) => evening.SlotStart(slot).ToString("HH:mm");

    /// <summary>A slot number as a form sends it; anything else is a slot that does not exist.</summary>
    public static int Slot(string? value) => int.TryParse(value, out var slot) ? slot : -1;
}