using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ItSchool.Bench;

/// <summary>
/// A silo or a web node of the chaos cluster as its own process, started from the Release binaries exactly as a
/// machine of the cluster starts them, killed with SIGKILL (no shutdown, no goodbye to the membership table) and
/// started again on the same ports, or stopped as an orchestrator stops it (SIGTERM) and started from another build.
/// </summary>
sealed class NodeProcess : IAsyncDisposable
{
    readonly Func<string, ProcessStartInfo> command;
    readonly Lock writing = new();
    string checkout = Checkout();
    StreamWriter? log;
    Process? process;

    NodeProcess(string name, Uri address, Func<string, ProcessStartInfo> command)
    {
        Name = name;
        Address = address;
        this.command = command;
    }

    public string Name { get; }

    /// <summary>Where the node answers HTTP: the site for a web node, the health endpoints for a silo.</summary>
    public Uri Address { get; }

    public bool Running => process is { HasExited: false };

    /// <summary>The process's resident memory now, from the kernel (VmRSS).</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{process!.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    public static NodeProcess Silo(string name, string connectionString, string clusterId)
    {
        var http = FreePort();
        var (silo, gateway) = (FreePort(), FreePort());
        return new NodeProcess(name, new Uri($"http://127.0.0.1:{http}"), checkout => Command(Binary(checkout, "Silo", "ItSchool.Silo.dll"),
            "--urls", $"http://127.0.0.1:{http}", $"--ConnectionStrings:ItSchool={connectionString}", $"--Orleans:ClusterId={clusterId}",
            $"--Orleans:SiloPort={silo}", $"--Orleans:GatewayPort={gateway}", "--Logging:LogLevel:Default=Warning"));
    }

    /// <summary>A web node without a silo of its own: a client of the silos, as docker-compose runs it.</summary>
    public static NodeProcess Web(string name, string connectionString, string clusterId, string certificate)
    {
        var http = FreePort();
        return new NodeProcess(name, new Uri($"http://127.0.0.1:{http}"), checkout => Command(Binary(checkout, "Web", "ItSchool.Web.dll"),
            "--urls", $"http://127.0.0.1:{http}", "--contentRoot", Path.Combine(checkout, "src", "Web"),
            $"--ConnectionStrings:ItSchool={connectionString}", "--ItSchool:HostSilo=false", $"--Orleans:ClusterId={clusterId}",
            "--ItSchool:Demo=true", "--ItSchool:Smtp:Host=", $"--ItSchool:DataProtection:Certificate:Path={certificate}",
            "--ItSchool:RateLimits:SecretsPerMinute=100000", "--Logging:LogLevel:Default=Warning"));
    }

    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        lock (writing)
        {
            log?.Dispose();
            log = new StreamWriter(LogFile, append: true);
            log.WriteLine($"--- started {DateTimeOffset.UtcNow:O}");
        }
        process = Process.Start(command(checkout))!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL, as the kernel's OOM killer or a pulled plug would end it.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>
    /// SIGTERM, as systemd, Docker or Kubernetes stop a process, and the wait for its graceful shutdown (a silo hands its
    /// grains over and leaves the membership table); the next <see cref="Start"/> runs the build in <paramref name="next"/>.
    /// </summary>
    public async Task StopAndUpgradeAsync(string next, TimeSpan within)
    {
        if (process is { HasExited: false })
        {
            if (SendSignal(process.Id, Sigterm) != 0)
            {
                throw new InvalidOperationException($"SIGTERM to {Name} failed: errno {Marshal.GetLastPInvokeError()}");
            }
            using var patience = new CancellationTokenSource(within);
            await process.WaitForExitAsync(patience.Token);
        }
        checkout = next;
    }

    const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    static extern int SendSignal(int pid, int signal);

    /// <summary>Until /health/ready answers 200; the node's output in the exception if it stops or never gets there.</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < within)
        {
            if (process is not { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} stopped:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} was not ready after {within.TotalSeconds:F0} s:\n{Output}");
    }

    /// <summary>The end of the log, for an exception's message.</summary>
    string Output
    {
        get
        {
            lock (writing)
            {
                log?.Flush();
            }
            var text = File.ReadAllText(LogFile);
            return text.Length <= 8000 ? text : text[^8000..];
        }
    }

    /// <summary>Everything the node wrote, each start after the other, kept after the run to read what it saw.</summary>
    public string LogFile => Path.Combine(Path.GetTempPath(), "itschool-chaos", Name.Replace(' ', '-') + ".log");

    void Append(string? line)
    {
        lock (writing)
        {
            log?.WriteLine(line);
        }
    }

    static ProcessStartInfo Command(string binary, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(binary);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>A project's Release build in a checkout (building the bench builds this one's: see its project file).</summary>
    static string Binary(string checkout, string project, string file)
    {
        var binary = Path.Combine(checkout, "src", project, "bin", "Release", "net10.0", file);
        return File.Exists(binary) ? binary : throw new InvalidOperationException($"{binary} is missing: dotnet build -c Release bench/ItSchool.Bench");
    }

    /// <summary>The checkout this bench runs from.</summary>
    public static string Checkout()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ItSchool.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The bench runs from inside the ItSchool checkout.");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        lock (writing)
        {
            log?.Dispose();
            log = null;
        }
    }
}