using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ItSchool.Tests.Rig;

/// <summary>
/// The standalone silo (<c>src/Silo</c>) as docker-compose runs it: a process of its own on free ports, whose console is
/// kept for the message of a test that finds it stopped. Killed when disposed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    SiloProcess(Process process) => this.process = process;

    /// <summary>The port of its health (and metrics) endpoints.</summary>
    public int HttpPort { get; private init; }

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Starts the silo on the database; <paramref name="arguments"/> are added to its command line.</summary>
    public static SiloProcess Start(string connectionString, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[SiloAssembly(), "--urls", $"http://127.0.0.1:{port}", $"--ConnectionStrings:ItSchool={connectionString}",
            $"--Orleans:SiloPort={FreePort()}", $"--Orleans:GatewayPort={FreePort()}", "--Logging:LogLevel:Default=Warning", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var silo = new SiloProcess(Process.Start(start)!) { HttpPort = port };
        silo.process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        silo.process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        silo.process.BeginOutputReadLine();
        silo.process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Fails the test with the silo's console when the process has stopped.</summary>
    public void AssertRunning() => Assert.False(process.HasExited, $"The silo stopped:\n{Output}");

    void Keep(string? line)
    {
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    /// <summary>The silo built beside this test assembly's configuration (Debug or Release), as the solution's build leaves it.</summary>
    static string SiloAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        for (var directory = testDirectory; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Silo", "bin", testDirectory.Parent!.Name, testDirectory.Name, "ItSchool.Silo.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("The silo is not built: run ./test.sh (it builds the solution)");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}