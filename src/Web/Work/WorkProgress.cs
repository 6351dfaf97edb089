using System.Diagnostics;
using ItSchool.Live;
using ItSchool.Work;
using Npgsql;

namespace ItSchool.Web.Work;

/// <summary>
/// What a running kind tells its item: how far it is (each report renews the node's lease), and its steps that must
/// happen once. The progress page hears of a report at most every quarter of a second; the end always reaches it.
/// </summary>
public sealed class WorkProgress(WorkItems items, IGrainFactory grains, WorkItem item, Guid node)
{
    static readonly long PublishEvery = Stopwatch.Frequency / 4;
    long lastPublished;

    public async Task ReportAsync(int done, int total, CancellationToken cancellationToken)
    {
        var version = await items.ReportAsync(item.Id, node, done, total, cancellationToken);
        Publish(version, force: false);
    }

    /// <summary>Runs step <paramref name="index"/> in the transaction that counts it done; false when an earlier run did it.</summary>
    public async Task<bool> StepAsync(int index, Func<NpgsqlConnection, NpgsqlTransaction, Task> step, CancellationToken cancellationToken)
    {
        var (ran, version) = await items.StepAsync(item.Id, node, index, step, cancellationToken);
        if (ran)
        {
            Publish(version, force: false);
        }
        return ran;
    }

    internal void Publish(long version, bool force)
    {
        var now = Stopwatch.GetTimestamp();
        if (force || now - Interlocked.Read(ref lastPublished) >= PublishEvery)
        {
            Interlocked.Exchange(ref lastPublished, now);
            grains.Publish(new WorkChanged(item.SchoolId, item.Id, version));
        }
    }
}