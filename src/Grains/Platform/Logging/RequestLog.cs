using System.Collections;
using Microsoft.Extensions.Logging;

namespace ItSchool.Platform.Logging;

/// <summary>
/// The logging scope of one request: its id and, once known, its school. The web node opens it once per request
/// and puts it in the Orleans request context, so that the lines grains write for that request carry the same
/// ids (<see cref="Filter"/>). The school is filled in when the request's address or API key names one.
/// </summary>
[GenerateSerializer]
public sealed class RequestLog : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string ContextKey = "itschool.log";

    [Id(0)]
    public string RequestId { get; init; } = "";

    [Id(1)]
    public Guid? SchoolId { get; set; }

    public int Count => SchoolId is null ? 1 : 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RequestId", RequestId),
        1 when SchoolId is { } school => new("SchoolId", school),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => SchoolId is { } school ? $"RequestId:{RequestId} SchoolId:{school}" : $"RequestId:{RequestId}";

    /// <summary>Reopens the scope of the request that caused a grain call, on whichever silo runs it.</summary>
    public sealed class Filter(ILogger<Filter> logger) : IIncomingGrainCallFilter
    {
        public async Task Invoke(IIncomingGrainCallContext context)
        {
            if (RequestContext.Get(ContextKey) is not RequestLog log)
            {
                await context.Invoke();
                return;
            }
            using (logger.BeginScope(log))
            {
                await context.Invoke();
            }
        }
    }
}