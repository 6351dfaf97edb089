using System.Globalization;
using System.Text;
using ItSchool.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Shell;

/// <summary>
/// A file of the school's exports, written as Belgian Excel opens it with a double click: UTF-8 with a byte order mark,
/// ';' between cells, amounts with a decimal comma. A cell that starts like a formula is quoted as text, so a pupil's
/// name can never run as one.
/// </summary>
public sealed class BelgianCsv
{
    static readonly CultureInfo Belgian = SchoolTime.Culture;

    readonly StringBuilder text = new();

    public void Line(params object[] cells) => text.Append(string.Join(';', cells.Select(Cell))).Append("\r\n");

    public void Blank() => text.Append("\r\n");

    public byte[] ToBytes() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];

    public static string Euros(long cents) => (cents / 100m).ToString("0.00", Belgian);

    /// <summary>A title as a file name: letters and digits kept, the rest a hyphen, at most 60 characters.</summary>
    public static string Safe(string title)
    {
        var safe = new string([.. title.Select(c => char.IsLetterOrDigit(c) ? c : '-')]).Trim('-');
        return safe.Length > 60 ? safe[..60] : safe;
    }

    static string Cell(object value)
    {
        var text = value switch
        {
            LocalizedString localized => localized.Value,
            IFormattable formattable => formattable.ToString(null, Belgian),
            _ => value.ToString() ?? "",
        };
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}