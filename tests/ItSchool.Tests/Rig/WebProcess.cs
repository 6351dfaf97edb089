using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ItSchool.Tests.Rig;

/// <summary>
/// The built web app started as its own process, in demo mode on a new database, with the environment a
/// test gives it: what a machine's time zone does can only be seen from outside the test process, whose
/// own zone is fixed when it starts.
/// </summary>
public sealed class WebProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    WebProcess(Process process, Uri baseAddress, string connectionString)
    {
        this.process = process;
        BaseAddress = baseAddress;
        ConnectionString = connectionString;
    }

    public Uri BaseAddress { get; }
    public string ConnectionString { get; }

    public static async Task<WebProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var connectionString = await (await TestPostgres.GetAsync()).CreateDatabaseAsync();
        var port = FreePort();
        var web = WebAssembly();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                web, "--urls", $"http://127.0.0.1:{port}", "--contentRoot", Path.GetFullPath(Path.Combine(Path.GetDirectoryName(web)!, "..", "..", "..")),
                $"--ConnectionStrings:ItSchool={connectionString}", $"--Orleans:SiloPort={FreePort()}",
                $"--Orleans:GatewayPort={FreePort()}", "--ItSchool:Demo=true", "--ItSchool:Smtp:Host=",
                $"--ItSchool:DataProtection:Certificate:Path={TestCertificates.Shared}", "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var node = new WebProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), connectionString);
        node.process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node.process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node.process.BeginOutputReadLine();
        node.process.BeginErrorReadLine();
        await node.WaitUntilReadyAsync();
        return node;
    }

    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };

    void Append(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            Assert.False(process.HasExited, $"The web process stopped (exit {(process.HasExited ? process.ExitCode : 0)}):\n{Output}");
            try
            {
                return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromMinutes(2), "The web process never became ready");
    }

    string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The web app built beside this test assembly's configuration (Debug or Release).</summary>
    static string WebAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent!.Name;
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Web", "bin", configuration, framework, "ItSchool.Web.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"The web app is not built for {configuration}/{framework}: run ./test.sh (it builds the solution)");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}