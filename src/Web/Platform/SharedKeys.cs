using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using ItSchool.Platform.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ItSchool.Web.Platform;

/// <summary>
/// Cookies are encrypted with the data-protection key ring; kept in PostgreSQL, it is the same on every
/// web node and across restarts, so a parent stays signed in whichever node answers. The ring's keys are
/// themselves encrypted with a certificate the installation keeps outside the database: a copy of the
/// database (a backup, a dump) then forges no session. A cluster names its certificate
/// (<c>ItSchool:DataProtection:Certificate:Path</c>); the single-machine default makes its own, beside the
/// embedded PostgreSQL's data folder.
/// </summary>
public static class SharedKeys
{
    public const string Section = "ItSchool:DataProtection";
    public const string KeyFileName = "data-protection.pfx";

    public static void AddSharedKeys(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("ItSchool");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new PostgresKeyRepository(services.GetRequiredService<NpgsqlDataSource>())));

        var settings = builder.Configuration.GetSection(Section).Get<DataProtectionSettings>() ?? new();
        var certificate = settings.Certificate?.Path is { Length: > 0 } path
            ? LoadCertificate(path, settings.Certificate.Password)
            : LocalBaseDirectory(builder.Services) is { } local
                ? LoadOrCreateKeyFile(Path.Combine(local, KeyFileName))
                : null;
        if (certificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
            return;
        }
        if (!InstallationSettings.IsDemo(builder.Configuration))
        {
            throw new InvalidOperationException(
                "Set ItSchool__DataProtection__Certificate__Path (a .pfx file, the same on every node) and " +
                "ItSchool__DataProtection__Certificate__Password: with an external database (ConnectionStrings__ItSchool), " +
                "the data-protection keys that sign sessions must be encrypted with a certificate kept outside the database.");
        }
        using var logging = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
        logging.CreateLogger("ItSchool.DataProtection").LogWarning(
            "Demo mode: the data-protection keys are stored unencrypted in the database. Never use this installation with real data; " +
            "set ItSchool__DataProtection__Certificate__Path to encrypt them.");
    }

    /// <summary>The embedded server's folder, when the database is the single-machine default (see <see cref="DatabaseSetup"/>).</summary>
    static string? LocalBaseDirectory(IServiceCollection services) =>
        services.FirstOrDefault(d => d.ServiceType == typeof(LocalPostgres))?.ImplementationInstance is LocalPostgres server
            ? server.BaseDirectory
            : null;

    static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"ItSchool__DataProtection__Certificate__Path names '{path}', which does not exist.");
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException(
                $"The certificate '{path}' cannot be read ({error.Message}): check ItSchool__DataProtection__Certificate__Password.", error);
        }
    }

    /// <summary>
    /// The single machine's own certificate: made on first start (a self-signed RSA key, readable by the
    /// installation's user only), then read at every start. Back it up with the database: without it, the
    /// sessions end and the key ring is made anew.
    /// </summary>
    public static X509Certificate2 LoadOrCreateKeyFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=ItSchool data protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            var temporary = path + ".new";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var file = new FileStream(temporary, options))
            {
                file.Write(created.Export(X509ContentType.Pfx));
            }
            // Two first starts at once: the first file moved in stands, the other start reads it.
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.EphemeralKeySet);
    }

    sealed class PostgresKeyRepository(NpgsqlDataSource db) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var command = db.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
            using var reader = command.ExecuteReader();
            var keys = new List<XElement>();
            while (reader.Read())
            {
                keys.Add(XElement.Parse(reader.GetString(0)));
            }
            return keys;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var command = db.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml)");
            command.Parameters.AddWithValue("name", friendlyName);
            command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>The <c>ItSchool:DataProtection</c> section: the certificate that encrypts the key ring.</summary>
public sealed class DataProtectionSettings
{
    public CertificateFile? Certificate { get; set; }

    public sealed class CertificateFile
    {
        /// <summary>A .pfx with its private key, the same file on every node.</summary>
        public string? Path { get; set; }

        public string? Password { get; set; }
    }
}