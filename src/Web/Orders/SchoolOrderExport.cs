using System.Globalization;
using System.Text;
using ItSchool.Orders;
using ItSchool.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Orders;

/// <summary>
/// The supplier's file: the placed orders' totals per article, option and class, then one line per order line with its
/// pupil and class. Written as Belgian Excel opens it with a double click: UTF-8 with a byte order mark, ';' between
/// cells, amounts with a decimal comma. A cell that starts like a formula is quoted as text, so a pupil's name can
/// never run as one.
/// </summary>
public static class SchoolOrderExport
{
    static readonly CultureInfo Belgian = SchoolTime.Culture;

    public static byte[] Csv(IReadOnlyList<TotalRow> totals, IReadOnlyList<SchoolOrder> orders, IStringLocalizer<OrderAdminText> T)
    {
        var text = new StringBuilder();
        void Line(params object[] cells) => text.Append(string.Join(';', cells.Select(Cell))).Append("\r\n");

        Line(T["Csv.Article"], T["Csv.Option"], T["Csv.Class"], T["Csv.Quantity"], T["Csv.Amount"]);
        foreach (var row in totals)
        {
            Line(row.Label, row.Option, row.ClassName, row.Quantity, Euros(row.AmountCents));
        }
        foreach (var article in totals.GroupBy(r => (r.ArticleCode, r.Option)))
        {
            Line(article.First().Label, article.Key.Option, T["Csv.AllClasses"], article.Sum(r => r.Quantity), Euros(article.Sum(r => r.AmountCents)));
        }
        text.Append("\r\n");
        Line(T["Csv.Class"], T["Csv.Pupil"], T["Csv.Article"], T["Csv.Option"], T["Csv.Quantity"], T["Csv.Unit"], T["Csv.Amount"],
            T["Csv.PlacedAt"], T["Csv.Delivered"]);
        foreach (var order in orders.Where(o => o.Order.Status == OrderStatus.Placed))
        {
            foreach (var line in order.Order.Lines)
            {
                Line(order.ClassName, order.PupilName, line.Label, line.Option, line.Quantity, Euros(line.UnitCents), Euros(line.TotalCents),
                    SchoolTime.DateAndTime(order.Order.PlacedAt), order.Order.DeliveredAt is { } at ? SchoolTime.Date(at) : "");
            }
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static string FileName(OrderForm form)
    {
        var safe = new string([.. form.Title.Select(c => char.IsLetterOrDigit(c) ? c : '-')]).Trim('-');
        return $"commandes-{(safe.Length > 60 ? safe[..60] : safe)}.csv";
    }

    static string Euros(long cents) => (cents / 100m).ToString("0.00", Belgian);

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