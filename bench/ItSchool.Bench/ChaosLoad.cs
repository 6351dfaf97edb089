using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace ItSchool.Bench;

/// <summary>
/// What the chaos cluster's users send while it is hurt: tills posting sales and parents booking meals, each through
/// the web node a round-robin load balancer gives them. Like a real till, a request that got no answer or a 5xx is sent
/// again with the same idempotency key until it is answered; what was acknowledged is kept to check the ledger after.
/// </summary>
sealed class ChaosLoad(NodeProcess[] webs)
{
    /// <summary>How long a till keeps retrying one sale before it gives up and counts it as never answered.</summary>
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);
    static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(200);

    readonly HttpClient[] clients = [.. webs.Select(web => new HttpClient(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = 64,
        ConnectTimeout = TimeSpan.FromSeconds(2),
    })
    {
        BaseAddress = web.Address,
        // Past the silos' 30-s response timeout: the node answers before the client gives up.
        Timeout = TimeSpan.FromSeconds(40),
    })];
    readonly long[] downUntil = new long[webs.Length];
    readonly Stopwatch clock = Stopwatch.StartNew();
    int next;

    public ConcurrentQueue<Attempt> Attempts { get; } = new();
    public ConcurrentBag<string> AcknowledgedSales { get; } = [];
    public ConcurrentBag<string> AcknowledgedMeals { get; } = [];
    public ConcurrentBag<string> Unanswered { get; } = [];

    /// <summary>Per request answered: its kind and the seconds from its first try to its answer, retries included.</summary>
    public ConcurrentBag<(string Kind, double Seconds)> Waits { get; } = [];

    /// <summary>Seconds since the load's clock started: the time line every event of the run is placed on.</summary>
    public double Now => clock.Elapsed.TotalSeconds;

    public readonly record struct Attempt(string Kind, int Node, double Start, double End, Outcome Outcome);

    public enum Outcome { Acknowledged, Refused, ServerError, Unreachable }

    /// <summary>A grain call made again after any failure (its silo dead, no answer in time) until it is answered.</summary>
    public async Task<T?> CallUntilAnsweredAsync<T>(string kind, Func<Task<T>> call) where T : class
    {
        var first = Now;
        while (Now - first < GiveUpAfter.TotalSeconds)
        {
            var started = Now;
            try
            {
                var answer = await call();
                Attempts.Enqueue(new Attempt(kind, -1, started, Now, Outcome.Acknowledged));
                Waits.Add((kind, Now - first));
                return answer;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Attempts.Enqueue(new Attempt(kind, -1, started, Now, Outcome.ServerError));
            }
            await Task.Delay(RetryAfter);
        }
        Unanswered.Add(kind);
        return null;
    }

    /// <summary>The load balancer: the next node in turn that has not failed a connection in the last second.</summary>
    (int, HttpClient) Pick()
    {
        for (var tries = 0; tries < webs.Length; tries++)
        {
            var index = (int)((uint)Interlocked.Increment(ref next) % webs.Length);
            if (Volatile.Read(ref downUntil[index]) <= clock.ElapsedMilliseconds)
            {
                return (index, clients[index]);
            }
        }
        var any = (int)((uint)Interlocked.Increment(ref next) % webs.Length);
        return (any, clients[any]);
    }

    void MarkDown(int node) => Volatile.Write(ref downUntil[node], clock.ElapsedMilliseconds + 1000);

    /// <summary>
    /// Sends one request until it is answered with something other than a 5xx; 201/200 acknowledged, any 4xx refused.
    /// Each try is recorded with its node and its times.
    /// </summary>
    public async Task<Outcome?> SendUntilAnsweredAsync(string kind, string key, Func<HttpRequestMessage> request, CancellationToken giveUp)
    {
        var first = Now;
        while (Now - first < GiveUpAfter.TotalSeconds && !giveUp.IsCancellationRequested)
        {
            var (node, http) = Pick();
            var started = Now;
            Outcome outcome;
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message);
                outcome = response.StatusCode switch
                {
                    HttpStatusCode.OK or HttpStatusCode.Created => Outcome.Acknowledged,
                    >= HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => Outcome.ServerError,
                    _ => Outcome.Refused,
                };
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                outcome = Outcome.Unreachable;
                MarkDown(node);
            }
            Attempts.Enqueue(new Attempt(kind, node, started, Now, outcome));
            if (outcome is Outcome.Acknowledged or Outcome.Refused)
            {
                Waits.Add((kind, Now - first));
                return outcome;
            }
            await Task.Delay(RetryAfter, CancellationToken.None);
        }
        Unanswered.Add($"{kind} {key}");
        return null;
    }
}