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
        builder.Services.AddSingleton<WatchedTimetables>();
        builder.Services.AddSingleton<MeetingsRelay>();
        builder.Services.AddSingleton<ILiveChangeHandler>(services => services.GetRequiredService<MeetingsRelay>());
    }

    public static void MapMeetings(this RouteGroupBuilder school)
    {
        school.MapHub<MeetingsHub>("/hubs/meetings");
        var meetings = school.MapGroup("").AddEndpointFilter(async (context, next) =>
            await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(context.HttpContext.School()!.Id)
                .GetEnabledModulesAsync() is var enabled && enabled.Contains(SchoolModule.Meetings)
                ? await next(context)
                : Results.NotFound());
        meetings.MapFamilyMeetings();
        meetings.MapStaffMeetings();
        meetings.MapMeetingsAdmin();
        meetings.MapMeetingPdfs();
    }
}