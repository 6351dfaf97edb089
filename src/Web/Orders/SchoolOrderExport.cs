using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Orders;

/// <summary>The supplier's file: the placed orders' totals per article, option and class, then one line per order line with its pupil and class.</summary>
public static class SchoolOrderExport
{
    public static byte[] Csv(IReadOnlyList<TotalRow> totals, IReadOnlyList<SchoolOrder> orders, IStringLocalizer<OrderAdminText> T)
    {
        var csv = new BelgianCsv();
        csv.Line(T["Csv.Article"], T["Csv.Option"], T["Csv.Class"], T["Csv.Quantity"], T["Csv.Amount"]);
        foreach (var row in totals)
        {
            csv.Line(row.Label, row.Option, row.ClassName, row.Quantity, BelgianCsv.Euros(row.AmountCents));
        }
        foreach (var article in totals.GroupBy(r => (r.ArticleCode, r.Option)))
        {
            csv.Line(article.First().Label, article.Key.Option, T["Csv.AllClasses"], article.Sum(r => r.Quantity), BelgianCsv.Euros(article.Sum(r => r.AmountCents)));
        }
        csv.Blank();
        csv.Line(T["Csv.Class"], T["Csv.Pupil"], T["Csv.Article"], T["Csv.Option"], T["Csv.Quantity"], T["Csv.Unit"], T["Csv.Amount"],
            T["Csv.PlacedAt"], T["Csv.Delivered"]);
        foreach (var order in orders.Where(o => o.Order.Status == OrderStatus.Placed))
        {
            foreach (var line in order.Order.Lines)
            {
                csv.Line(order.ClassName, order.PupilName, line.Label, line.Option, line.Quantity, BelgianCsv.Euros(line.UnitCents),
                    BelgianCsv.Euros(line.TotalCents), SchoolTime.DateAndTime(order.Order.PlacedAt), order.Order.DeliveredAt is { } at ? SchoolTime.Date(at) : "");
            }
        }
        return csv.ToBytes();
    }

    public static string FileName(OrderForm form) => $"commandes-{BelgianCsv.Safe(form.Title)}.csv";
}