using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ItSchool.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ItSchool.Web.Live;

/// <summary>A group of connections receiving the same fragments: one topic, one audience, one culture.</summary>
public sealed record LiveView(string Topic, string Audience, string Culture)
{
    public string Group => $"{Topic}|{Audience}|{Culture}";
}

/// <summary>
/// This web node's ear in the cluster. It subscribes to a topic's grain when its first client watches the topic
/// and leaves when the last one goes, renewing its leases meanwhile — each topic at its own moment, a little before a third
/// of its lease has passed, so that ten thousand watched topics are not renewed in one burst; each change it hears is rendered once per
/// audience and culture and sent to the SignalR groups watching it. A burst of changes of one topic is coalesced:
/// while one is being rendered and sent, newer ones only replace each other, so watchers get the state as it is
/// now rather than every version they would replace at once anyway.
/// </summary>
public sealed class LiveNode(IGrainFactory grains, IHubContext<LiveHub> hub, IEnumerable<ILiveTopic> kinds, LiveSessions sessions,
    TimeProvider clock, ILogger<LiveNode> logger) : BackgroundService, ILiveObserver
{
    static readonly TimeSpan Renewal = LiveTopicGrain.Lease / 3;
    static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    // Some five minutes of tries, 5 s apart once the first few have failed: longer than PostgreSQL takes to restart.
    const int RelayAttempts = 64;

    readonly Dictionary<string, ILiveTopic> topicKinds = kinds.ToDictionary(k => k.Kind);
    readonly object gate = new();
    // Under gate: the views watched here per topic, each topic's school, and each topic's chain of subscription
    // calls (a subscribe and the unsubscribe that follows it must reach the grain in that order).
    readonly Dictionary<string, RefCounts<LiveView>> watched = [];
    readonly Dictionary<string, Guid> schools = [];
    readonly Dictionary<string, Task> calls = [];
    // Under gate: when each topic's subscription is next renewed (Environment.TickCount64).
    readonly Dictionary<string, long> renewals = [];
    // Topics whose last subscription call failed, since when.
    readonly ConcurrentDictionary<string, DateTimeOffset> failing = new();
    // Topics whose grain had forgotten this node but whose catch-up failed (PostgreSQL down): the next renewal owes it.
    readonly ConcurrentDictionary<string, bool> owedCatchUp = new();
    // With when the oldest change it replaced was heard: the push latency counts the wait of the first watcher.
    readonly ConcurrentDictionary<string, (LiveChange Change, long Heard)> waiting = new();
    readonly ConcurrentDictionary<string, bool> sending = new();
    ILiveObserver? self;
    long heard;

    /// <summary>Changes this node has received from the cluster (each one was for a topic some client here watched, or had just watched).</summary>
    public long Heard => Interlocked.Read(ref heard);

    ILiveObserver Self => LazyInitializer.EnsureInitialized(ref self, () => grains.CreateObjectReference<ILiveObserver>(this));

    public ILiveTopic? KindOf(string topic) =>
        topic.IndexOf(':') is var colon and > 0 && topicKinds.TryGetValue(topic[..colon], out var kind) ? kind : null;

    public bool IsWatched(string topic)
    {
        lock (gate)
        {
            return watched.ContainsKey(topic);
        }
    }

    /// <summary>Counts the view and, for the topic's first watcher here, subscribes this node to the topic's grain.</summary>
    public async Task WatchAsync(Guid schoolId, LiveView view)
    {
        Task subscribed;
        lock (gate)
        {
            if (!watched.TryGetValue(view.Topic, out var views))
            {
                watched[view.Topic] = views = new RefCounts<LiveView>();
                schools[view.Topic] = schoolId;
                renewals[view.Topic] = NextRenewal();
                Chain(view.Topic, () => SubscribeAsync(view.Topic, renewal: false));
            }
            views.Add(view);
            subscribed = calls.GetValueOrDefault(view.Topic) ?? Task.CompletedTask;
        }
        try
        {
            await subscribed;
        }
        catch
        {
            Unwatch(view);
            throw;
        }
    }

    /// <summary>Uncounts the view and, after the topic's last watcher here, unsubscribes this node.</summary>
    public void Unwatch(LiveView view)
    {
        lock (gate)
        {
            if (!watched.TryGetValue(view.Topic, out var views) || !views.Remove(view) || !views.IsEmpty)
            {
                return;
            }
            watched.Remove(view.Topic);
            schools.Remove(view.Topic);
            renewals.Remove(view.Topic);
            failing.TryRemove(view.Topic, out _);
            owedCatchUp.TryRemove(view.Topic, out _);
            Chain(view.Topic, () => grains.GetGrain<ILiveTopicGrain>(view.Topic).UnwatchAsync(Self));
        }
    }

    // Under gate.
    Task Chain(string topic, Func<Task> call)
    {
        var next = (calls.GetValueOrDefault(topic) ?? Task.CompletedTask)
            .ContinueWith(_ => call(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        calls[topic] = next;
        next.ContinueWith(_ =>
        {
            lock (gate)
            {
                if (calls.GetValueOrDefault(topic) == next)
                {
                    calls.Remove(topic);
                }
            }
        }, TaskScheduler.Default);
        return next;
    }

    async Task SubscribeAsync(string topic, bool renewal)
    {
        bool unknown;
        try
        {
            unknown = await grains.GetGrain<ILiveTopicGrain>(topic).WatchAsync(Self);
            failing.TryRemove(topic, out _);
        }
        catch (Exception e)
        {
            failing.TryAdd(topic, clock.GetUtcNow());
            logger.LogWarning(e, "Could not subscribe this node to live topic {Topic}", topic);
            throw;
        }
        // The topic's grain had forgotten this node (its silo was lost): changes made meanwhile never came, so the
        // watchers get the state as it is now; their pages drop what is not newer than what they show.
        if (renewal && (unknown || owedCatchUp.ContainsKey(topic)))
        {
            owedCatchUp[topic] = true;
            await CatchUpAsync(topic);
            owedCatchUp.TryRemove(topic, out _);
        }
    }

    async Task CatchUpAsync(string topic)
    {
        Guid school;
        lock (gate)
        {
            if (!schools.TryGetValue(topic, out school))
            {
                return;
            }
        }
        if (KindOf(topic) is { } kind && await kind.CurrentAsync(school, topic) is { } now)
        {
            Enqueue(topic, now);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Tick, stoppingToken);
                await RenewDueAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            List<Task> leaving;
            lock (gate)
            {
                leaving = watched.Keys.Select(topic => Chain(topic, () => grains.GetGrain<ILiveTopicGrain>(topic).UnwatchAsync(Self))).ToList();
            }
            await Task.WhenAll(leaving).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(_ => { });
        }
    }

    async Task RenewDueAsync()
    {
        List<Task> due = [];
        lock (gate)
        {
            var now = Environment.TickCount64;
            foreach (var topic in renewals.Where(r => r.Value <= now).Select(r => r.Key).ToList())
            {
                // A failed renewal is tried again at its next moment, well within the lease.
                renewals[topic] = NextRenewal();
                due.Add(Chain(topic, () => SubscribeAsync(topic, renewal: true)));
            }
        }
        try
        {
            await Task.WhenAll(due);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Some live subscriptions were not renewed; retrying at their next moment");
        }
    }

    /// <summary>Between three quarters of the renewal period and all of it from now: topics watched at the same moment drift apart.</summary>
    static long NextRenewal() => Environment.TickCount64 + (long)(Renewal.TotalMilliseconds * (0.75 + 0.25 * Random.Shared.NextDouble()));

    public Task OnChangeAsync(string topic, LiveChange change)
    {
        Interlocked.Increment(ref heard);
        if (!sessions.OnChange(change))
        {
            Enqueue(topic, change);
        }
        return Task.CompletedTask;
    }

    public Task OnTopicLostAsync(string topic)
    {
        lock (gate)
        {
            if (watched.ContainsKey(topic))
            {
                Chain(topic, () => SubscribeAsync(topic, renewal: true)).Ignore();
            }
        }
        return Task.CompletedTask;
    }

    void Enqueue(string topic, LiveChange change)
    {
        if (!IsWatched(topic))
        {
            return;
        }
        waiting.AddOrUpdate(topic, (change, Stopwatch.GetTimestamp()),
            (_, known) => known.Change.Version > change.Version ? known : (change, known.Heard));
        if (sending.TryAdd(topic, true))
        {
            _ = SendWaitingAsync(topic);
        }
    }

    async Task SendWaitingAsync(string topic)
    {
        var failures = 0;
        while (true)
        {
            while (waiting.TryRemove(topic, out var next))
            {
                if (await RelayAsync(topic, next.Change, next.Heard))
                {
                    failures = 0;
                    continue;
                }
                // Rendering reads PostgreSQL, which may be restarting: dropped, the change would leave its watchers on the
                // state before it until the thing changes again, which may be never. Tried again, unless a newer one came.
                if (++failures > RelayAttempts)
                {
                    logger.LogError("Gave up relaying version {Version} of live topic {Topic} after {Attempts} attempts", next.Change.Version, topic, RelayAttempts);
                    failures = 0;
                    continue;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 << Math.Min(failures, 5))));
                if (IsWatched(topic))
                {
                    waiting.AddOrUpdate(topic, next, (_, known) => known.Change.Version >= next.Change.Version ? known : (next.Change, known.Heard));
                }
            }
            sending.TryRemove(topic, out _);
            // A change that arrived between the last look and the release must not wait for the next one.
            if (!waiting.ContainsKey(topic) || !sending.TryAdd(topic, true))
            {
                return;
            }
        }
    }

    /// <summary>Whether the change reached this node's watchers (or nobody here needs it); false when it should be tried again.</summary>
    async Task<bool> RelayAsync(string topic, LiveChange change, long heard)
    {
        try
        {
            IReadOnlyList<LiveView> views;
            lock (gate)
            {
                views = watched.TryGetValue(topic, out var counted) ? counted.Keys() : [];
            }
            if (views.Count == 0 || KindOf(topic) is not { } kind
                || await kind.PrepareAsync(change, views.Select(v => v.Audience).Distinct().ToList()) is not { } fragments)
            {
                return true;
            }
            foreach (var view in views)
            {
                var html = await fragments(view.Audience, CultureInfo.GetCultureInfo(view.Culture));
                await hub.Clients.Group(view.Group).SendAsync("live", topic, change.Version, html, kind.Announces);
            }
            LiveMetrics.Pushed(heard);
            return true;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not relay a change of live topic {Topic}", topic);
            return false;
        }
    }

    /// <summary>The fragments of one view, for one watcher catching up.</summary>
    public async Task<string?> RenderAsync(ILiveTopic kind, LiveChange change, LiveView view) =>
        await kind.PrepareAsync(change, [view.Audience]) is { } fragments
            ? await fragments(view.Audience, CultureInfo.GetCultureInfo(view.Culture))
            : null;

    /// <summary>
    /// Ready while every topic watched here is subscribed: after a subscription failed, until it is renewed, this
    /// node's watchers may be missing changes, so the load balancer should send people elsewhere.
    /// </summary>
    public sealed class Readiness(LiveNode node) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var failed = node.failing.ToArray();
            if (failed.Length == 0)
            {
                return Task.FromResult(HealthCheckResult.Healthy());
            }
            var (topic, since) = failed.MinBy(f => f.Value);
            return Task.FromResult(HealthCheckResult.Unhealthy($"Live topic {topic} could not be subscribed to since {since:O}"));
        }
    }
}