using ItSchool.Pupils;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Live;

/// <summary>
/// The browser's live channel. Each connection joins the groups of its school, its person and, for a
/// parent, the child whose account is open; <see cref="LiveRelay"/> pushes rendered fragments to them and
/// the page swaps them in by id (wwwroot/js/site.js). <see cref="LiveSessions"/> closes it when its session ends.
/// </summary>
[Authorize]
public sealed class LiveHub(PupilDirectory pupils, LiveViewers viewers, LiveSessions sessions) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (await sessions.OpenAsync(Context) is not { } user)
        {
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.School(user.SchoolId));
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.User(user.Id));
        if (user.PupilId is { } pupil && await pupils.IsGuardianAsync(user.SchoolId, user.Id, pupil))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Pupil(pupil));
            viewers.Add(pupil);
            Context.Items[nameof(LiveViewers)] = pupil;
        }
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Close(Context);
        if (Context.Items.TryGetValue(nameof(LiveViewers), out var pupil) && pupil is Guid id)
        {
            viewers.Remove(id);
        }
        return base.OnDisconnectedAsync(exception);
    }
}

public static class LiveGroups
{
    public static string School(Guid schoolId) => $"school:{schoolId}";

    public static string User(Guid userId) => $"user:{userId}";

    public static string Pupil(Guid pupilId) => $"pupil:{pupilId}";
}

public static class LiveSetup
{
    public static void AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<FragmentRenderer>();
        builder.Services.AddSingleton<LiveViewers>();
        builder.Services.AddSingleton<LiveSessions>();
        builder.Services.AddSingleton<ILiveChangeHandler>(services => services.GetRequiredService<LiveSessions>());
        builder.Services.AddSingleton<LiveRelay>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveRelay>());
        builder.Services.AddHealthChecks().AddCheck<LiveRelay.Readiness>("live", tags: [Platform.Operations.ReadyTag]);
    }

    public static void MapLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}