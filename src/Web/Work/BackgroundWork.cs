using System.Collections.Concurrent;
using ItSchool.Platform;
using ItSchool.Work;

namespace ItSchool.Web.Work;

/// <summary>
/// Runs the queued work (<see cref="WorkItems"/>) on this node, up to <see cref="MaxRunning"/> items at once: at once when
/// a request of this node queues some (<see cref="Start"/>), and every <see cref="Interval"/> for what another node left
/// (its lease lapsed: it died) or queued. Every node runs this job; the item's lease makes one node at a time work on it.
/// </summary>
public sealed class BackgroundWork(WorkItems items, IEnumerable<IWorkKind> kinds, IGrainFactory grains, TimeProvider clock,
    ILogger<BackgroundWork> logger) : PeriodicJob(clock, logger)
{
    const int MaxRunning = 4;
    static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    readonly IReadOnlyDictionary<string, IWorkKind> byKind = kinds.ToDictionary(k => k.Kind);
    readonly ConcurrentDictionary<Guid, Task> running = new();
    readonly ConcurrentDictionary<Guid, TaskCompletionSource> over = new();
    readonly CancellationTokenSource stopping = new();

    /// <summary>This node, as the holder of the items it runs.</summary>
    public Guid Node { get; } = Guid.NewGuid();

    // Items a dead node left are taken up as soon as this node starts.
    protected override TimeSpan FirstRunAfter => TimeSpan.Zero;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(10);

    /// <summary>
    /// A request of this node queued the item: it starts now rather than at the next pass, and the request waits for it
    /// at most <paramref name="patience"/> (a small file needs no progress page). False when it still runs, or runs on
    /// another node.
    /// </summary>
    public async Task<bool> StartAndWaitAsync(Guid id, TimeSpan patience, CancellationToken cancellationToken)
    {
        var done = over.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        Wake();
        try
        {
            await done.Task.WaitAsync(patience, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            over.TryRemove(new KeyValuePair<Guid, TaskCompletionSource>(id, done));
        }
    }

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        while (running.Count < MaxRunning && !stopping.IsCancellationRequested
            && await items.ClaimAsync(Node, [.. byKind.Keys], cancellationToken) is { } item)
        {
            running[item.Id] = Task.Run(() => RunItemAsync(item), CancellationToken.None);
        }
    }

    async Task RunItemAsync(WorkItem item)
    {
        var progress = new WorkProgress(items, grains, item, Node);
        using var scope = Logger.BeginScope(new Dictionary<string, object> { ["SchoolId"] = item.SchoolId, ["WorkId"] = item.Id });
        try
        {
            var outcome = await byKind[item.Kind].RunAsync(item, progress, stopping.Token);
            progress.Publish(await items.FinishAsync(item.Id, Node, outcome), force: true);
            Logger.LogInformation("Work {Kind} {WorkId} done after {Attempts} attempt(s)", item.Kind, item.Id, item.Attempts);
        }
        catch (WorkLeaseLostException)
        {
            Logger.LogWarning("Work {Kind} {WorkId}: another node took it over", item.Kind, item.Id);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await items.LetGoAsync(item.Id, Node, CancellationToken.None);
        }
        catch (Exception e)
        {
            Logger.LogWarning(e, "Work {Kind} {WorkId} failed (attempt {Attempts})", item.Kind, item.Id, item.Attempts);
            try
            {
                var retryAfter = RetryDelays[Math.Min(item.Attempts, RetryDelays.Length) - 1];
                if (await items.ReleaseAfterFailureAsync(item.Id, Node, retryAfter, CancellationToken.None) is { } version)
                {
                    progress.Publish(version, force: true);
                }
            }
            catch (Exception release)
            {
                // The lease lapses on its own, and another pass takes the item again.
                Logger.LogWarning(release, "Work {WorkId}: its failure could not be recorded", item.Id);
            }
        }
        finally
        {
            running.TryRemove(item.Id, out _);
            if (over.TryGetValue(item.Id, out var waiting))
            {
                waiting.TrySetResult();
            }
            Wake();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await stopping.CancelAsync();
        // A kind that finishes its step first (a bank file's crediting) is waited for as long as the host allows.
        await Task.WhenAll(running.Values).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}