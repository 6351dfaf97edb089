using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace ItSchool.Tests.Rig;

/// <summary>
/// A minimal SMTP server on loopback that keeps what it receives, so tests read the very mail a parent
/// would get. It can refuse connections to play a mail server outage.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stopping = new();
    readonly ConcurrentQueue<MimeMessage> received = new();
    readonly SemaphoreSlim arrived = new(0);
    readonly Task acceptLoop;

    public SmtpSink()
    {
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>While false, every connection is answered "421 service not available" and closed.</summary>
    public bool Accepting { get; set; } = true;

    public IReadOnlyCollection<MimeMessage> Received => received;

    /// <summary>The first message (received so far or arriving within the timeout) that matches.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = received.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No matching mail arrived; received: {string.Join(", ", received.Select(m => m.Subject))}");
            }
        }
    }

    public Task<MimeMessage> WaitForMailToAsync(string address, TimeSpan? timeout = null) =>
        WaitForAsync(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase)), timeout);

    async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            // No 8BITMIME or SMTPUTF8 offered: clients then send plain 7-bit text, read here as Latin-1.
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            if (!Accepting)
            {
                await writer.WriteLineAsync("421 sink unavailable");
                return;
            }
            await writer.WriteLineAsync("220 sink ready");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-sink");
                        await writer.WriteLineAsync("250 HELP");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..") ? dataLine[1..] : dataLine).Append("\r\n");
                        }
                        received.Enqueue(await MimeMessage.LoadAsync(new MemoryStream(Encoding.Latin1.GetBytes(data.ToString()))));
                        arrived.Release();
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await acceptLoop;
    }
}