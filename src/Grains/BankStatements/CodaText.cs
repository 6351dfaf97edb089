using System.Globalization;
using System.Resources;

namespace ItSchool.BankStatements;

/// <summary>
/// The CODA reader's reasons for refusing a file, in <c>CodaText.resx</c> (French, the default). They live beside
/// the reader rather than in the web's resources because the import keeps the reason of a refused file in its
/// history, written when the file is read.
/// </summary>
static class CodaText
{
    static readonly ResourceManager Resources = new("ItSchool.BankStatements.CodaText", typeof(CodaText).Assembly);

    public static string Get(string key, params object?[] arguments)
    {
        var culture = CultureInfo.CurrentUICulture;
        var text = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"No CODA text '{key}'.");
        return arguments.Length == 0 ? text : string.Format(culture, text, arguments);
    }
}