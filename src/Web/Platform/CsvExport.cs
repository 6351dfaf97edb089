using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Schools;

namespace ItSchool.Web.Platform;

/// <summary>
/// The one CSV writer of every export (balances, operations, invoices): what Excel in a Belgian locale opens
/// as it should — ';' between cells, UTF-8 with a byte order mark, CRLF — and safe to open. Every cell is
/// quoted except a plain number (an id, an amount such as "-3,50"), so a number still reads as a number;
/// and a text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a CR, such
/// as a pupil named <c>=HYPERLINK(…)</c>) is neutralised with a leading apostrophe.
/// </summary>
public sealed partial class CsvExport : IAsyncDisposable
{
    readonly StreamWriter writer;

    CsvExport(Stream target) =>
        writer = new StreamWriter(target, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true)) { NewLine = "\r\n" };

    /// <summary>Starts the download: the answer's headers, then rows as they come (memory stays flat).</summary>
    public static CsvExport Start(HttpResponse response, string fileName)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        return new CsvExport(response.Body);
    }

    public Task RowAsync(params IEnumerable<string?> cells) => writer.WriteLineAsync(string.Join(';', cells.Select(Cell)));

    /// <summary>An amount in euros as the school's spreadsheets read a number: "-3,50".</summary>
    public static string Amount(long cents) => (cents / 100m).ToString("0.00", SchoolTime.Culture);

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (PlainNumber().IsMatch(value))
        {
            return value;
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    [GeneratedRegex(@"^-?[0-9]+(,[0-9]+)?$")]
    private static partial Regex PlainNumber();

    public async ValueTask DisposeAsync() => await writer.DisposeAsync();
}