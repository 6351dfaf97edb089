using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ItSchool.Bench;

/// <summary>
/// One page's live channel, spoken directly over a WebSocket: SignalR's JSON hub protocol without the .NET client, which
/// unescaped and copied every pushed fragment (11 KB for a teacher's grid) only for the bench to throw it away — half of
/// the bench's CPU in the meetings rush went there, on the cores the web node is measured on. This reads each "live"
/// message's topic and version and whether it carries fragments, and skips the fragments' text.
/// </summary>
public sealed class LiveSocket : IAsyncDisposable
{
    const byte Separator = 0x1e;
    static readonly byte[] Ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");

    readonly ClientWebSocket socket = new();
    readonly SemaphoreSlim sending = new(1, 1);
    readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> invocations = new();
    readonly Action<string, long, bool> onLive;
    readonly CancellationTokenSource stop = new();
    Task receiving = Task.CompletedTask;
    int nextInvocation;

    LiveSocket(Action<string, long, bool> onLive) => this.onLive = onLive;

    /// <summary>Raised once when the server ends the connection (not when this side disposes it).</summary>
    public event Action? Closed;

    /// <summary>Whether <see cref="Closed"/> was raised already (a handler added after it is not called).</summary>
    public bool HasClosed { get; private set; }

    /// <summary>
    /// Opens the WebSocket straight away and shakes hands, as site.js does (it skips SignalR's negotiation, so that a
    /// balancer spreading connections cannot split it from its socket).
    /// </summary>
    public static async Task<LiveSocket> OpenAsync(Uri hub, string cookie, Action<string, long, bool> onLive)
    {
        var live = new LiveSocket(onLive);
        live.socket.Options.SetRequestHeader("Cookie", cookie);
        live.socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var address = new UriBuilder(hub) { Scheme = hub.Scheme == "https" ? "wss" : "ws" }.Uri;
        await live.socket.ConnectAsync(address, CancellationToken.None);
        await live.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"));
        live.receiving = Task.Run(live.ReceiveAsync);
        return live;
    }

    /// <summary>The hub's Watch(topic, lastVersion), as the page calls it.</summary>
    public async Task<bool> WatchAsync(string topic, long lastVersion)
    {
        var id = Interlocked.Increment(ref nextInvocation).ToString();
        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        invocations[id] = answer;
        using var message = new MemoryStream();
        await using (var json = new Utf8JsonWriter(message))
        {
            json.WriteStartObject();
            json.WriteNumber("type", 1);
            json.WriteString("invocationId", id);
            json.WriteString("target", "Watch");
            json.WriteStartArray("arguments");
            json.WriteStringValue(topic);
            json.WriteNumberValue(lastVersion);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        message.WriteByte(Separator);
        await SendAsync(message.ToArray());
        return await answer.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>What the client library does every 15 s: the server drops a connection it has not heard from for 30 s.</summary>
    public Task PingAsync() => socket.State == WebSocketState.Open ? SendAsync(Ping) : Task.CompletedTask;

    async Task SendAsync(byte[] bytes)
    {
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, stop.Token);
        }
        finally
        {
            sending.Release();
        }
    }

    async Task ReceiveAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (filled == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var received = await socket.ReceiveAsync(buffer.AsMemory(filled), stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                var scanned = filled;
                filled += received.Count;
                var start = 0;
                while (buffer.AsSpan(scanned, filled - scanned).IndexOf(Separator) is var at and >= 0)
                {
                    Handle(buffer.AsSpan(start, scanned + at - start));
                    start = scanned = scanned + at + 1;
                }
                buffer.AsSpan(start, filled - start).CopyTo(buffer);
                filled -= start;
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            // A reset connection, a dying node: any end of the stream is an end of the connection.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!stop.IsCancellationRequested)
        {
            OnClosed();
        }
    }

    void OnClosed()
    {
        HasClosed = true;
        foreach (var pending in invocations.Keys)
        {
            if (invocations.TryRemove(pending, out var answer))
            {
                answer.TrySetException(new WebSocketException("The connection closed before the hub answered."));
            }
        }
        Closed?.Invoke();
    }

    void Handle(ReadOnlySpan<byte> message)
    {
        var json = new Utf8JsonReader(message);
        if (!json.Read() || json.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        int type = 0;
        string? target = null, invocation = null;
        while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
        {
            var property = json.GetString();
            json.Read();
            switch (property)
            {
                case "type":
                    type = json.GetInt32();
                    break;
                case "target":
                    target = json.GetString();
                    break;
                case "invocationId":
                    invocation = json.GetString();
                    break;
                case "result" when type == 3 && invocation is not null && invocations.TryRemove(invocation, out var answer):
                    answer.TrySetResult(json.TokenType == JsonTokenType.True);
                    return;
                case "error" when type == 3 && invocation is not null && invocations.TryRemove(invocation, out var failed):
                    failed.TrySetException(new InvalidOperationException($"The hub answered an error: {json.GetString()}"));
                    return;
                case "arguments" when type == 1 && target == "live":
                    // [topic, version, fragments, announces]: the fragments' text is only looked at for its length.
                    json.Read();
                    var topic = json.GetString()!;
                    json.Read();
                    var version = json.GetInt64();
                    json.Read();
                    onLive(topic, version, json.TokenType == JsonTokenType.String && json.ValueSpan.Length > 0);
                    return;
                default:
                    json.Skip();
                    break;
            }
        }
        if (type == 7)
        {
            stop.Cancel();
            OnClosed();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (stop.IsCancellationRequested)
        {
            socket.Dispose();
            return;
        }
        stop.Cancel();
        try
        {
            socket.Abort();
            await receiving;
        }
        catch (Exception)
        {
        }
        socket.Dispose();
    }
}