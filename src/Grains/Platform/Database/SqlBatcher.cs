using System.Threading.Channels;

namespace ItSchool.Platform.Database;

/// <summary>
/// Gathers the calls made at the same moment into one database round trip. At a canteen rush hundreds of
/// requests each want a row or two; what costs is the round trips (and, for writes, the commits), not
/// the rows. While the loops are busy, new calls queue; a free loop takes everything queued (up to a
/// limit) and runs it as one batch, which answers every call in the order given.
/// </summary>
/// <remarks>
/// A batch that fails is run again call by call, so only the call at fault fails: one bad row must not
/// fail its neighbours. The batch function must therefore be safe to run again for calls of a failed batch
/// (a failed statement batch in PostgreSQL's implicit transaction leaves nothing behind).
/// </remarks>
public sealed class SqlBatcher<TCall, TAnswer>(
    Func<IReadOnlyList<TCall>, Task<IReadOnlyList<TAnswer>>> runBatch, int loops = 4, int maxBatch = 256)
{
    readonly Channel<(TCall Call, TaskCompletionSource<TAnswer> Answer)> queue =
        Channel.CreateUnbounded<(TCall, TaskCompletionSource<TAnswer>)>();
    readonly Lock startLock = new();
    Task[]? running;

    public Task<TAnswer> RunAsync(TCall call)
    {
        EnsureLoops();
        var answer = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Writer.TryWrite((call, answer));
        return answer.Task;
    }

    void EnsureLoops()
    {
        if (running is not null)
        {
            return;
        }
        lock (startLock)
        {
            running ??= Enumerable.Range(0, loops).Select(_ => Task.Run(LoopAsync)).ToArray();
        }
    }

    async Task LoopAsync()
    {
        var batch = new List<(TCall Call, TaskCompletionSource<TAnswer> Answer)>(maxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                var answers = await runBatch(batch.ConvertAll(b => b.Call));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.SetResult(answers[i]);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var (call, answer) in batch)
                {
                    try
                    {
                        answer.SetResult((await runBatch([call]))[0]);
                    }
                    catch (Exception error)
                    {
                        answer.SetException(error);
                    }
                }
            }
            catch (Exception error)
            {
                batch[0].Answer.SetException(error);
            }
        }
    }
}