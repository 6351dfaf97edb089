using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace ItSchool.Web.Shell;

/// <summary>
/// French elides "de", "le", "la", "que" before a vowel or a mute h: "les factures d'Amélie", not "de Amélie".
/// A resource can only write "de {0}"; whether it becomes "d'" depends on the name filled in, so the rule runs
/// where arguments meet their text, for every localised string at once.
/// </summary>
public static partial class Elision
{
    [GeneratedRegex(@"(?<=^|[\s(«""'’])(?<word>[Dd]e|[Ll]e|[Ll]a|[Qq]ue) \{(?<index>\d+)(?<format>[^}]*)\}")]
    private static partial Regex ElidablePlaceholder();

    /// <summary>Formats like <see cref="string.Format(IFormatProvider, string, object[])"/>, eliding before the names filled in.</summary>
    public static string Format(CultureInfo culture, string format, object?[] arguments)
    {
        if (culture.TwoLetterISOLanguageName == "fr")
        {
            format = ElidablePlaceholder().Replace(format, match =>
            {
                var index = int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture);
                var value = index < arguments.Length ? Convert.ToString(arguments[index], culture) : null;
                return StartsWithVowelSound(value)
                    ? $"{match.Groups["word"].Value[..^1]}'{{{index}{match.Groups["format"].Value}}}"
                    : match.Value;
            });
        }
        return string.Format(culture, format, arguments);
    }

    /// <summary>A vowel, accented or not, or an h (names with a mute h are the rule; "de Hugo" is rarer than "d'Hugo").</summary>
    public static bool StartsWithVowelSound(string? text) =>
        text is { Length: > 0 } && "aâàäeéèêëiîïoôöuûùüyhæœ".Contains(char.ToLowerInvariant(text[0]));

    public static void AddElision(this IServiceCollection services) =>
        services.AddSingleton<IStringLocalizerFactory>(provider => new ElidingFactory(
            new ResourceManagerStringLocalizerFactory(provider.GetRequiredService<IOptions<LocalizationOptions>>(),
                provider.GetRequiredService<ILoggerFactory>())));

    sealed class ElidingFactory(IStringLocalizerFactory inner) : IStringLocalizerFactory
    {
        public IStringLocalizer Create(Type resourceSource) => new ElidingLocalizer(inner.Create(resourceSource));

        public IStringLocalizer Create(string baseName, string location) => new ElidingLocalizer(inner.Create(baseName, location));
    }

    sealed class ElidingLocalizer(IStringLocalizer inner) : IStringLocalizer
    {
        public LocalizedString this[string name] => inner[name];

        public LocalizedString this[string name, params object[] arguments]
        {
            get
            {
                var format = inner[name];
                return format.ResourceNotFound
                    ? inner[name, arguments]
                    : new LocalizedString(name, Format(CultureInfo.CurrentUICulture, format.Value, arguments), false, format.SearchedLocation);
            }
        }

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures);
    }
}