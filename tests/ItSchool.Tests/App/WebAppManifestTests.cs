using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using ItSchool.Tests.Rig;
using ItSchool.Web.App;
using Npgsql;

namespace ItSchool.Tests.App;

/// <summary>Each school's manifest, service worker and app pages over HTTP, on its path and on its own host.</summary>
public sealed class WebAppManifestTests(WebNode web) : IClassFixture<WebNode>
{
    const string SecondHost = "portail.lycee-jacqmain.example.be";

    [Fact]
    public async Task The_demo_schools_manifest_names_it_opens_on_its_address_and_its_icons_exist_at_their_size()
    {
        using var client = web.CreateClient();
        var address = new Uri(web.BaseAddress, "/e/demo/manifest.webmanifest");
        var manifest = await ManifestAsync(client, address);

        Assert.Equal("École de démo", manifest.GetProperty("name").GetString());
        Assert.Equal("École de démo", manifest.GetProperty("short_name").GetString());
        Assert.Equal("/e/demo/", manifest.GetProperty("start_url").GetString());
        Assert.Equal("/e/demo/", manifest.GetProperty("scope").GetString());
        Assert.Equal("standalone", manifest.GetProperty("display").GetString());
        Assert.Equal("#1f6feb", manifest.GetProperty("theme_color").GetString());

        var icons = manifest.GetProperty("icons").EnumerateArray().ToList();
        Assert.Equal(["192x192", "512x512", "512x512"], icons.Select(icon => icon.GetProperty("sizes").GetString()));
        Assert.Contains(icons, icon => icon.GetProperty("purpose").GetString() == "maskable");
        foreach (var icon in icons)
        {
            var answer = await client.GetAsync(new Uri(address, icon.GetProperty("src").GetString()));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("image/png", answer.Content.Headers.ContentType?.MediaType);
            var (width, height) = PngSize(await answer.Content.ReadAsByteArrayAsync());
            Assert.Equal(icon.GetProperty("sizes").GetString(), $"{width}x{height}");
        }
    }

    [Fact]
    public async Task A_second_school_gets_its_own_manifest_on_its_path_and_on_its_own_host()
    {
        await AddSchoolAsync("lycee-jacqmain", "Lycée Émile Jacqmain", SecondHost);
        using var client = web.CreateClient();

        var byPath = await ManifestAsync(client, new Uri(web.BaseAddress, "/e/lycee-jacqmain/manifest.webmanifest"));
        Assert.Equal("Lycée Émile Jacqmain", byPath.GetProperty("name").GetString());
        Assert.Equal("LÉJ", byPath.GetProperty("short_name").GetString());
        Assert.Equal("/e/lycee-jacqmain/", byPath.GetProperty("start_url").GetString());
        Assert.Equal("/e/lycee-jacqmain/", byPath.GetProperty("scope").GetString());
        Assert.Equal("/e/lycee-jacqmain/icons/icon-192.png", byPath.GetProperty("icons")[0].GetProperty("src").GetString());

        using var onHost = new HttpRequestMessage(HttpMethod.Get, "/manifest.webmanifest");
        onHost.Headers.Host = SecondHost;
        var byHost = JsonDocument.Parse(await ReadManifestAsync(await client.SendAsync(onHost))).RootElement;
        Assert.Equal("Lycée Émile Jacqmain", byHost.GetProperty("name").GetString());
        Assert.Equal("/", byHost.GetProperty("start_url").GetString());
        Assert.Equal("/", byHost.GetProperty("scope").GetString());

        var page = await client.GetStringAsync("/e/lycee-jacqmain/connexion");
        Assert.Matches("""<link rel="manifest" href="manifest.webmanifest"\s*/?>""", page);
        Assert.Matches("""<base href="/e/lycee-jacqmain/"\s*/?>""", page);
        Assert.Matches("""<meta name="apple-mobile-web-app-title" content="LÉJ"\s*/?>""", page);
    }

    [Fact]
    public async Task An_unknown_school_or_the_bare_installation_has_no_manifest_and_no_worker()
    {
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/e/nulle-part/manifest.webmanifest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/manifest.webmanifest")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/e/nulle-part/sw.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/sw.js")).StatusCode);
    }

    [Fact]
    public async Task The_worker_keeps_the_schools_static_files_and_offline_page_and_no_page()
    {
        using var client = web.CreateClient();
        var answer = await client.GetAsync("/e/demo/sw.js");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("text/javascript", answer.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", answer.Headers.CacheControl?.ToString());
        var script = await answer.Content.ReadAsStringAsync();
        var precache = JsonDocument.Parse(script["const PRECACHE = ".Length..script.IndexOf(";\n", StringComparison.Ordinal)]).RootElement;

        Assert.Equal("/e/demo/", precache.GetProperty("scope").GetString());
        Assert.Equal("/e/demo/hors-ligne", precache.GetProperty("offline").GetString());
        Assert.Matches("^[0-9a-f]{16}$", precache.GetProperty("version").GetString());
        var assets = precache.GetProperty("assets").EnumerateArray().Select(asset => asset.GetString()!).ToList();
        Assert.Contains("/e/demo/css/site.css", assets);
        Assert.Contains("/e/demo/js/app.js", assets);
        Assert.Contains("/e/demo/lib/htmx.min.js", assets);
        Assert.Contains("/e/demo/icons/icon-maskable-512.png", assets);
        Assert.Contains("/favicon.svg", assets);
        Assert.All(assets, asset => Assert.Matches(@"^(/e/demo/(css|js|lib|icons)/[\w.-]+\.(css|js|png)|/favicon\.(ico|svg)|/apple-touch-icon\.png)$", asset));
        foreach (var asset in assets)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(asset)).StatusCode);
        }
    }

    [Fact]
    public async Task The_offline_page_carries_nothing_of_the_signed_in_person()
    {
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        var answer = await parent.GetAsync("/e/demo/hors-ligne");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Contains("Vous êtes hors ligne", page);
        Assert.Contains("École de démo", page);
        Assert.DoesNotContain("Marc", page);
        Assert.DoesNotContain("request-verification-token", page);
        Assert.DoesNotContain("Set-Cookie", answer.Headers.Select(header => header.Key));
    }

    [Theory]
    [InlineData("fr-BE", "Installer l'application", "Sur l'écran d'accueil", "De app installeren")]
    [InlineData("nl-BE", "De app installeren", "Zet op beginscherm", "Installer l'application")]
    [InlineData("en-BE", "Install the app", "Add to Home Screen", "Installer l'application")]
    public async Task The_install_page_opens_without_signing_in_in_the_readers_language(string culture, string title, string step, string absent)
    {
        using var client = web.CreateClient();
        var answer = await client.GetAsync($"/e/demo/installer?culture={culture}");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var page = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Contains($"<h1>{title}</h1>", page);
        Assert.Contains(step, page);
        Assert.DoesNotContain(absent, page);
    }

    [Theory]
    [InlineData("nl-BE", "U bent offline", "Vous êtes hors ligne")]
    [InlineData("en-BE", "You are offline", "Vous êtes hors ligne")]
    public async Task The_offline_page_and_manifest_speak_the_readers_language(string culture, string title, string absent)
    {
        using var client = web.CreateClient();
        var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/e/demo/hors-ligne?culture={culture}"));
        Assert.Contains($"<h1>{title}</h1>", page);
        Assert.DoesNotContain(absent, page);
        var manifest = await ManifestAsync(client, new Uri(web.BaseAddress, $"/e/demo/manifest.webmanifest?culture={culture}"));
        Assert.Equal(culture, manifest.GetProperty("lang").GetString());
        Assert.DoesNotContain("portail", manifest.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("École de démo", "École de démo")]
    [InlineData("Institut Saint-Joseph", "ISJ")]
    [InlineData("Athénée Royal d'Uccle", "ARU")]
    [InlineData("Athénée royal d’Uccle", "AU")]
    [InlineData("école communale numéro un", "école communale")]
    public void A_long_name_is_shortened_to_its_initials_for_the_home_screen(string name, string shortName) =>
        Assert.Equal(shortName, WebAppManifest.ShortName(name));

    static async Task<JsonElement> ManifestAsync(HttpClient client, Uri address) =>
        JsonDocument.Parse(await ReadManifestAsync(await client.GetAsync(address))).RootElement;

    static async Task<string> ReadManifestAsync(HttpResponseMessage answer)
    {
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/manifest+json", answer.Content.Headers.ContentType?.MediaType);
        return await answer.Content.ReadAsStringAsync();
    }

    /// <summary>A PNG's width and height, from its header chunk (IHDR), which always comes first.</summary>
    static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    async Task AddSchoolAsync(string slug, string name, string host)
    {
        await using var connection = new NpgsqlConnection(web.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO schools (id, slug, name, host) VALUES (@id, @slug, @name, @host) ON CONFLICT (slug) DO NOTHING", connection);
        insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
        insert.Parameters.AddWithValue("slug", slug);
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("host", host);
        await insert.ExecuteNonQueryAsync();
    }
}