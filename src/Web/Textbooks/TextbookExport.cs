using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// The bookseller's file: per item of the list, how many the families ordered (title, publisher, ISBN, buy or rent, unit
/// price, amount), then one line per pupil and ordered item, to prepare the parcels.
/// </summary>
public static class TextbookExport
{
    public static byte[] Csv(TextbookList list, IReadOnlyList<TextbookAnswer> answers, IStringLocalizer<TextbookText> T)
    {
        var ordered = answers.Where(a => a.Confirmation is not null)
            .SelectMany(a => a.Confirmation!.Ordered.Select(c => (Answer: a, c.Item, c.HandedOutAt))).ToList();
        var csv = new BelgianCsv();
        csv.Line(T["Csv.Title"], T["Csv.Publisher"], T["Csv.Isbn"], T["Csv.Kind"], T["Csv.Quantity"], T["Csv.Unit"], T["Csv.Amount"]);
        // The list's own order of items, each counted from the answers (which keep the item as it was when answered).
        foreach (var item in list.Items)
        {
            var count = ordered.Count(o => o.Item.Id == item.Id);
            csv.Line(item.Title, item.Publisher, item.Isbn ?? "", Kind(T, item), count, BelgianCsv.Euros(item.PriceCents), BelgianCsv.Euros(count * item.PriceCents));
        }
        csv.Blank();
        csv.Line(T["Csv.Class"], T["Csv.Pupil"], T["Csv.Title"], T["Csv.Isbn"], T["Csv.Kind"], T["Csv.ConfirmedAt"], T["Csv.HandedOut"]);
        foreach (var (answer, item, handedOut) in ordered)
        {
            csv.Line(list.ClassName, $"{answer.LastName} {answer.FirstName}", item.Title, item.Isbn ?? "", Kind(T, item),
                SchoolTime.DateAndTime(answer.Confirmation!.ConfirmedAt), handedOut is { } at ? SchoolTime.Date(at) : "");
        }
        return csv.ToBytes();
    }

    static string Kind(IStringLocalizer<TextbookText> T, TextbookItem item) => item.Rental ? T["Csv.Rent"] : T["Csv.Buy"];
}