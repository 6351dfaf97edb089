using System.Globalization;
using ItSchool.Legal;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Legal;

/// <summary>
/// A text as a reader gets it: the school's current version in the reader's language (or the language the
/// school wrote, see <see cref="LegalVersion.TextFor"/>), or while the school published none, the default
/// text written for this project, in the reader's language, naming the school.
/// </summary>
public sealed record LegalReading(LegalKind Kind, string Text, LegalVersion? Version)
{
    public static async Task<LegalReading> ReadAsync(LegalTexts texts, IStringLocalizer<LegalText> t, Guid schoolId, string schoolName,
        LegalKind kind, CancellationToken cancellationToken)
    {
        var version = await texts.CurrentAsync(schoolId, kind, cancellationToken);
        return version is null
            ? new(kind, t[DefaultKey(kind), schoolName], null)
            : new(kind, version.TextFor(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName), version);
    }

    public static string DefaultKey(LegalKind kind) => $"Default.{kind}";

    /// <summary>The default text in one language (the manager's form offers it in each), whatever the reader's.</summary>
    public static string DefaultIn(IStringLocalizer<LegalText> t, string language, LegalKind kind, string schoolName)
    {
        var reader = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
        try
        {
            return t[DefaultKey(kind), schoolName];
        }
        finally
        {
            CultureInfo.CurrentUICulture = reader;
        }
    }

    /// <summary>The address of a kind's public page (and under "gestion/", of its editing page).</summary>
    public static string Slug(LegalKind kind) => kind == LegalKind.Terms ? "conditions-utilisation" : "protection-des-donnees";
}