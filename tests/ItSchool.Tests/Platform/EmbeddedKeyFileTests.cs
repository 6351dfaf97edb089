using System.Runtime.Versioning;
using ItSchool.Tests.Rig;
using ItSchool.Web.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Platform;

/// <summary>The single-machine default (embedded PostgreSQL, nothing configured) encrypts its key ring with a key file of its own.</summary>
public sealed class EmbeddedKeyFileTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_production_start_on_the_embedded_database_makes_an_owner_only_key_file_and_stores_only_encrypted_keys()
    {
        // Short: the server's socket path must fit in a Unix socket address.
        var directory = Path.Combine(Path.GetTempPath(), $"itschool-keys-{Guid.NewGuid():N}"[..29]);
        try
        {
            await using (var node = new WebNode { Demo = false, UseEphemeralKeys = false, KeyCertificate = null })
            {
                await node.StartAsync("", $"--ItSchool:LocalDatabase:Directory={directory}");
                node.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a session");

                var keyFile = Path.Combine(directory, SharedKeys.KeyFileName);
                Assert.True(File.Exists(keyFile));
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
                await using var command = node.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT xml FROM data_protection_keys");
                var xml = (string)(await command.ExecuteScalarAsync())!;
                Assert.Contains("<EncryptedData", xml);
                Assert.DoesNotContain("<masterKey", xml);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}