using Microsoft.AspNetCore.DataProtection;

namespace ItSchool.Web.Accounts;

/// <summary>
/// The Entra client secrets at rest: DataProtection ciphertext under the installation's key ring (shared by every
/// node, see Platform/SharedKeys.cs), so a copy of the database alone does not hold them.
/// </summary>
public static class MicrosoftSecrets
{
    const string Purpose = "ItSchool.Accounts.MicrosoftSignIn.ClientSecret";

    public static string Protect(IServiceProvider services, string secret) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect(secret);

    public static string Unprotect(IServiceProvider services, string protectedSecret) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(protectedSecret);
}