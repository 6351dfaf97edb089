using Microsoft.AspNetCore.DataProtection;

namespace ItSchool.Web.Meals;

/// <summary>
/// The reminder mail's opt-out link names its guardian account, signed with the site's data-protection keys (the
/// same on every node), so a parent can stop the reminders without signing in and nobody can stop another's.
/// </summary>
public sealed class MealReminderLinks(IDataProtectionProvider protection)
{
    readonly IDataProtector protector = protection.CreateProtector("ItSchool.Meals.ReminderOptOut");

    public string For(Guid schoolId, Guid guardianId) => protector.Protect($"{schoolId:N}/{guardianId:N}");

    /// <summary>The guardian the link names, if it is genuine and for this school.</summary>
    public Guid? Read(Guid schoolId, string link)
    {
        try
        {
            var parts = protector.Unprotect(link).Split('/');
            return parts.Length == 2 && Guid.TryParseExact(parts[0], "N", out var school) && school == schoolId
                && Guid.TryParseExact(parts[1], "N", out var guardian)
                ? guardian
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}