using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.FileProviders;

namespace ItSchool.Web.App;

/// <summary>
/// Each school's service worker, served from the school's own address so that its scope is that address: the
/// worker's code (wwwroot/js/service-worker.js) with, in front, what it keeps for this school and the build's
/// version. A deploy that changes a static file or the code changes the version, so browsers install the new
/// worker, which replaces the cache.
/// </summary>
public static class ServiceWorker
{
    /// <summary>The page shown instead of one that could not be reached; kept by the worker, so it holds no one's data.</summary>
    public const string OfflinePath = "hors-ligne";

    public static void MapServiceWorker(this RouteGroupBuilder school)
    {
        school.MapGet("/sw.js", (HttpContext context, AppAssets assets) =>
        {
            var home = $"{context.Request.PathBase}/";
            var precache = new
            {
                assets.Version,
                Scope = home,
                Offline = home + OfflinePath,
                Assets = assets.SchoolFiles.Select(file => home + file).Concat(assets.RootFiles.Select(file => "/" + file)),
            };
            // Browsers look for a new worker at each visit; the HTTP cache must not hide one.
            context.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Text(
                $"const PRECACHE = {JsonSerializer.Serialize(precache, JsonSerializerOptions.Web)};\n{assets.WorkerCode}",
                "text/javascript; charset=utf-8");
        });

        school.MapGet($"/{OfflinePath}", () => new RazorComponentResult<OfflinePage>());
    }
}

/// <summary>The static files every school's worker keeps, the worker's code, and the version they make together with the build.</summary>
public sealed class AppAssets
{
    const string WorkerFile = "js/service-worker.js";

    /// <summary>The folders the pages load their styles, scripts and icons from, under the school's address.</summary>
    static readonly string[] SchoolFolders = ["css", "js", "lib", "icons"];

    /// <summary>The icons Page.razor links from the installation's root rather than the school's address.</summary>
    static readonly string[] RootFileNames = ["favicon.ico", "favicon.svg", "apple-touch-icon.png"];

    public AppAssets(IWebHostEnvironment environment)
    {
        var root = environment.WebRootFileProvider;
        SchoolFiles = [.. SchoolFolders.SelectMany(folder => root.GetDirectoryContents(folder)
            .Where(file => !file.IsDirectory).Select(file => $"{folder}/{file.Name}"))
            .Where(path => path != WorkerFile).Order(StringComparer.Ordinal)];
        RootFiles = [.. RootFileNames.Where(name => root.GetFileInfo(name).Exists)];
        WorkerCode = Read(root, WorkerFile);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The build's own identity: the offline page is rendered by this build's code.
        hash.AppendData(typeof(AppAssets).Assembly.ManifestModule.ModuleVersionId.ToByteArray());
        foreach (var path in SchoolFiles.Concat(RootFiles).Append(WorkerFile))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path));
            using var file = root.GetFileInfo(path).CreateReadStream();
            hash.AppendData(ReadAll(file));
        }
        Version = Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    public IReadOnlyList<string> SchoolFiles { get; }
    public IReadOnlyList<string> RootFiles { get; }
    public string WorkerCode { get; }
    public string Version { get; }

    static string Read(IFileProvider root, string path)
    {
        using var reader = new StreamReader(root.GetFileInfo(path).CreateReadStream());
        return reader.ReadToEnd();
    }

    static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}