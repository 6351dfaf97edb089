using System.Collections.Concurrent;
using ItSchool.Accounts;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.SignalR;

namespace ItSchool.Web.Live;

/// <summary>
/// The browser's one live channel. A page watches the topics it declares (wwwroot/js/site.js) with the version it
/// shows; the topic's kind says whether this person may (<see cref="ILiveTopic"/>), and a refused topic joins
/// nothing. <see cref="LiveNode"/> then pushes "live" messages (topic, version, fragments, whether to announce) to
/// the watchers, and the page swaps the fragments in by id. <see cref="LiveSessions"/> closes the connection when its session ends.
/// </summary>
[Authorize]
public sealed class LiveHub(LiveNode node, LiveSessions sessions) : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (await sessions.OpenAsync(Context) is not { } user)
        {
            return;
        }
        // Every connection hears what concerns its person (its sessions ending, its household's appointments).
        await JoinAsync(user.SchoolId, new LiveWatch(PersonTopic.Of(user.Id)));
        await base.OnConnectedAsync();
    }

    /// <summary>
    /// Watches the topic if this person may; if it changed since <paramref name="lastVersion"/> (while the page loaded,
    /// or while the connection was down), the caller gets its fragments at once. A negative version asks for no catch-up.
    /// </summary>
    public async Task<bool> Watch(string topic, long lastVersion)
    {
        if (SignedInUser.From(Context.User!) is not { } user || node.KindOf(topic) is not { } kind
            || await kind.AuthorizeAsync(user, topic[(kind.Kind.Length + 1)..], Context.ConnectionAborted) is not { } watch)
        {
            return false;
        }
        if (!await sessions.IsOpenAsync(user, Context.ConnectionAborted))
        {
            Context.Abort();
            return false;
        }
        var view = await JoinAsync(user.SchoolId, watch);
        if (lastVersion >= 0 && await kind.CurrentAsync(user.SchoolId, watch.Topic) is { } now && now.Version > lastVersion)
        {
            await Clients.Caller.SendAsync("live", watch.Topic, now.Version, await node.RenderAsync(kind, now, view), kind.Announces);
        }
        return true;
    }

    public async Task Unwatch(string topic)
    {
        if (Watching().TryRemove(topic, out var view))
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, view.Group);
            node.Unwatch(view);
        }
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Close(Context);
        var watching = Watching();
        foreach (var topic in watching.Keys)
        {
            if (watching.TryRemove(topic, out var view))
            {
                node.Unwatch(view);
            }
        }
        return base.OnDisconnectedAsync(exception);
    }

    async Task<LiveView> JoinAsync(Guid schoolId, LiveWatch watch)
    {
        var culture = Context.GetHttpContext()?.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? FragmentRenderer.DefaultCulture;
        var view = new LiveView(watch.Topic, watch.Audience, culture.Name);
        if (!Watching().TryAdd(watch.Topic, view))
        {
            return Watching()[watch.Topic];
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, view.Group);
        try
        {
            await node.WatchAsync(schoolId, view);
        }
        catch
        {
            Watching().TryRemove(watch.Topic, out _);
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, view.Group);
            throw;
        }
        return view;
    }

    /// <summary>This connection's views, by topic.</summary>
    ConcurrentDictionary<string, LiveView> Watching()
    {
        if (Context.Items.TryGetValue(nameof(LiveView), out var known) && known is ConcurrentDictionary<string, LiveView> mine)
        {
            return mine;
        }
        Context.Items[nameof(LiveView)] = mine = new ConcurrentDictionary<string, LiveView>();
        return mine;
    }
}

public static class LiveSetup
{
    public static void AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<FragmentRenderer>();
        builder.Services.AddSingleton<LiveSessions>();
        builder.Services.AddSingleton<LiveNode>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LiveNode>());
        builder.Services.AddHealthChecks().AddCheck<LiveNode.Readiness>("live", tags: [Platform.Operations.ReadyTag]);
    }

    /// <summary>A feature's kind of live topic: the hub lets people watch it, the node renders its changes.</summary>
    public static void AddLiveTopic<TTopic>(this WebApplicationBuilder builder) where TTopic : class, ILiveTopic
    {
        builder.Services.AddSingleton<TTopic>();
        builder.Services.AddSingleton<ILiveTopic>(services => services.GetRequiredService<TTopic>());
    }

    public static void MapLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}