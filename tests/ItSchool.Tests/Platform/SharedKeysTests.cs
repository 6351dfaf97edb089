using System.Net;
using System.Runtime.Versioning;
using ItSchool.Tests.Rig;
using ItSchool.Web.Platform;
using Npgsql;

namespace ItSchool.Tests.Platform;

/// <summary>
/// The key ring in PostgreSQL is encrypted with a certificate kept outside the database: nodes holding the
/// same certificate share sessions, a node with another certificate opens none, and a production start on
/// an external database without one stops with the variables to set.
/// </summary>
public sealed class SharedKeysTests : IAsyncLifetime
{
    readonly WebNode first = new() { UseEphemeralKeys = false };
    readonly WebNode second = new() { UseEphemeralKeys = false };

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        await second.StartAsync(first.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await second.DisposeAsync();
        await first.DisposeAsync();
    }

    async Task<IReadOnlyList<string>> StoredKeysAsync()
    {
        await using var db = NpgsqlDataSource.Create(first.ConnectionString);
        await using var command = db.CreateCommand("SELECT xml FROM data_protection_keys");
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        return keys;
    }

    [Fact]
    public async Task The_stored_keys_are_encrypted_and_a_node_with_the_same_certificate_opens_the_other_nodes_sessions()
    {
        var cookies = new CookieContainer();
        using var viaFirst = await SignedIn.AsAsync(first, "claire.dupont", cookies: cookies);

        var keys = await StoredKeysAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<EncryptedData", xml);
            Assert.DoesNotContain("<masterKey", xml);
            Assert.DoesNotContain("<value>", xml);
        });

        using var viaSecond = second.CreateClient(cookies);
        var dashboard = await viaSecond.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Bienvenue, Claire", await dashboard.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_node_with_another_certificate_opens_no_session_of_the_others()
    {
        var cookies = new CookieContainer();
        using var viaFirst = await SignedIn.AsAsync(first, "claire.dupont", cookies: cookies);
        await using var stranger = new WebNode { UseEphemeralKeys = false, KeyCertificate = TestCertificates.Create() };
        await stranger.StartAsync(first.ConnectionString);

        using var viaStranger = stranger.CreateClient(cookies);
        var dashboard = await viaStranger.GetAsync("/e/demo/tableau-de-bord");

        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Contains("/connexion", dashboard.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_production_start_on_an_external_database_without_a_certificate_stops_naming_the_variables()
    {
        await using var production = new WebNode { Demo = false, KeyCertificate = null };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => production.StartAsync(first.ConnectionString));

        Assert.Contains("ItSchool__DataProtection__Certificate__Path", error.Message);
        Assert.Contains("ItSchool__DataProtection__Certificate__Password", error.Message);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_single_machine_key_file_is_made_once_readable_by_its_owner_only()
    {
        var path = Path.Combine(Path.GetTempPath(), "itschool-tests", Guid.NewGuid().ToString("N"), SharedKeys.KeyFileName);

        using var made = SharedKeys.LoadOrCreateKeyFile(path);
        using var read = SharedKeys.LoadOrCreateKeyFile(path);

        Assert.True(File.Exists(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.True(made.HasPrivateKey);
        Assert.Equal(made.Thumbprint, read.Thumbprint);
    }
}