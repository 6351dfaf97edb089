using System.Globalization;
using System.Text;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Platform;

/// <summary>
/// The fonts every PDF the portal writes uses, and the text those fonts can print. PdfPig's standard fonts have
/// no accented letters, which French needs: a document embeds a TrueType sans from the machine (Debian's
/// fonts-dejavu-core) and only without one falls back to Helvetica with plain letters.
/// </summary>
public static class PdfFonts
{
    static readonly (byte[] Regular, byte[] Bold)? SystemFont = new[]
    {
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    }.Where(f => File.Exists(f.Item1) && File.Exists(f.Item2)).Select(f => ((byte[], byte[])?)(File.ReadAllBytes(f.Item1), File.ReadAllBytes(f.Item2)))
        .FirstOrDefault();

    public static (PdfDocumentBuilder.AddedFont Regular, PdfDocumentBuilder.AddedFont Bold) AddTo(PdfDocumentBuilder document) =>
        SystemFont is var (regular, bold)
            ? (document.AddTrueTypeFont(regular), document.AddTrueTypeFont(bold))
            : (document.AddStandard14Font(Standard14Font.Helvetica), document.AddStandard14Font(Standard14Font.HelveticaBold));

    /// <summary>fr-BE groups thousands with a narrow no-break space; without an embedded font, accents go too and € is spelt out.</summary>
    public static string Printable(string text)
    {
        var spaced = text.Replace('\u202f', ' ').Replace('\u00a0', ' ').Replace('—', '-').Replace('–', '-').Replace('’', '\'');
        return SystemFont is not null ? spaced : new string(Unaccented(spaced.Replace("…", "...").Replace("€", "EUR")).Select(c => c < 128 ? c : '?').ToArray());
    }

    /// <summary>"Geneviève Lefèvre" → "Genevieve Lefevre": what a standard font or an ASCII file name can carry.</summary>
    public static string Unaccented(string text) =>
        new(text.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());

    /// <summary>
    /// How wide the text prints on the page: from the pen's start to where the last letter ends (a letter's own box would
    /// count its side bearings).
    /// </summary>
    public static double Width(PdfPageBuilder page, string text, double size, PdfDocumentBuilder.AddedFont font) =>
        page.MeasureText(Printable(text), size, new UglyToad.PdfPig.Core.PdfPoint(0, 0), font) is { Count: > 0 } letters
            ? letters[^1].EndBaseLine.X - letters[0].StartBaseLine.X
            : 0;

    /// <summary>A text cut short with "…" rather than running into what stands beside it; <paramref name="width"/> measures a text as printed.</summary>
    public static string Fit(string text, double room, Func<string, double> width)
    {
        if (width(text) <= room)
        {
            return text;
        }
        var length = text.Length;
        while (length > 1 && width(text[..length] + "…") > room)
        {
            length--;
        }
        return text[..length].TrimEnd() + "…";
    }
}