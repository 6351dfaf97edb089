using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Schools;

namespace ItSchool.Web.Meetings;

/// <summary>"Réunions de parents": the families' booking pages, the teachers' grids, the school's evenings, the live grids.</summary>
public static class MeetingsSetup
{
    public static void AddMeetings(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MeetingEvenings>();
        builder.Services.AddSingleton<HouseholdAppointments>();
        builder.Services.AddSingleton<MeetingMails>();
        builder.AddLiveTopic<TimetableLiveTopic>();
    }

    public static void MapMeetings(this RouteGroupBuilder school)
    {
        var meetings = school.MapGroup("").RequireModule(SchoolModule.Meetings);
        meetings.MapFamilyMeetings();
        meetings.MapStaffMeetings();
        meetings.MapMeetingsAdmin();
        meetings.MapMeetingPdfs();
    }
}