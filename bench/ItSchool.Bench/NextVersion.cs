using System.Diagnostics;

namespace ItSchool.Bench;

/// <summary>
/// The version a rolling upgrade brings: this checkout's sources copied aside with one more migration, which adds a
/// column to the ledger (the table every sale writes), and built in Release as a release would be. The copy is built
/// before the cluster starts, so that compiling it does not take the load's cores.
/// </summary>
static class NextVersion
{
    public const string Migration = "9999_upgrade_probe";
    public const string Column = "upgrade_probe";

    // Nullable, with no default to compute for existing rows: PostgreSQL changes the catalogue only, under a lock held
    // for a moment, and the previous version's INSERTs, which name their columns, go on as before.
    const string Sql = $"ALTER TABLE ledger_entries ADD COLUMN {Column} text;\n";

    public static async Task<string> BuildAsync()
    {
        var checkout = NodeProcess.Checkout();
        var next = Path.Combine(Path.GetTempPath(), "itschool-next-version");
        if (Directory.Exists(next))
        {
            Directory.Delete(next, recursive: true);
        }
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
        {
            CopyFile(Path.Combine(checkout, file), Path.Combine(next, file));
        }
        CopySources(Path.Combine(checkout, "src"), Path.Combine(next, "src"));
        await File.WriteAllTextAsync(Path.Combine(next, "src", "Grains", "Platform", "Database", "Migrations", Migration + ".sql"), Sql);

        Console.Error.WriteLine($"upgrade: building the next version in {next}");
        foreach (var project in new[] { "Silo", "Web" })
        {
            var build = new ProcessStartInfo("dotnet", ["build", Path.Combine(next, "src", project), "-c", "Release", "-nologo", "-v", "quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(build)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The next version's {project} did not build:\n{await output}\n{await errors}");
            }
        }
        return next;
    }

    static void CopySources(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from))
        {
            CopyFile(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var directory in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
        {
            CopySources(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    static void CopyFile(string from, string to)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
    }
}