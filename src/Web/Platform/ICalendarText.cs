using System.Globalization;
using System.Text;

namespace ItSchool.Web.Platform;

/// <summary>The pieces of RFC 5545 text every calendar file of the site needs: UTC moments, escaped text, folded lines.</summary>
public static class ICalendarText
{
    public static string Utc(DateTimeOffset moment) => moment.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A day as an all-day event's DATE value.</summary>
    public static string Date(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>A TEXT value: backslash, semicolon, comma and line breaks escaped.</summary>
    public static string Text(string value) =>
        value.Replace("\\", "\\\\").Replace(";", "\\;").Replace(",", "\\,").Replace("\r\n", "\\n").Replace("\n", "\\n").Replace("\r", "\\n");

    /// <summary>Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character.</summary>
    public static string Fold(string line)
    {
        var result = new StringBuilder();
        var octets = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > 75)
            {
                result.Append("\r\n ");
                octets = 1;
            }
            result.Append(rune.ToString());
            octets += size;
        }
        return result.ToString();
    }

    /// <summary>The content lines, each folded and ended by CRLF.</summary>
    public static string Lines(IEnumerable<string> lines) => string.Concat(lines.Select(l => Fold(l) + "\r\n"));
}