using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Live;

/// <summary>
/// The browser's live channel. Each connection joins the groups of its school and its person; features
/// push rendered fragments to a group with <see cref="LiveGroups"/> and the page swaps them in (site.js).
/// </summary>
[Authorize]
public sealed class LiveHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        var user = SignedInUser.From(Context.User!);
        if (user is null)
        {
            Context.Abort();
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.School(user.SchoolId));
        await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.User(user.Id));
        await base.OnConnectedAsync();
    }
}

public static class LiveGroups
{
    public static string School(Guid schoolId) => $"school:{schoolId}";

    public static string User(Guid userId) => $"user:{userId}";
}

public static class LiveSetup
{
    public static void AddLive(this WebApplicationBuilder builder) => builder.Services.AddSignalR();

    public static void MapLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}