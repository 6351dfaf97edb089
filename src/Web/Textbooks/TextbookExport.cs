using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// The bookseller's file, through the one CSV writer: per item of the list, how many the families ordered (title,
/// publisher, ISBN, buy or rent, unit price, amount), then one line per pupil and ordered item, to prepare the parcels.
/// </summary>
public static class TextbookExport
{
    public static async Task WriteAsync(HttpResponse response, TextbookList list, IReadOnlyList<TextbookAnswer> answers, IStringLocalizer<TextbookText> T)
    {
        var ordered = answers.Where(a => a.Confirmation is not null)
            .SelectMany(a => a.Confirmation!.Ordered.Select(c => (Answer: a, c.Item, c.HandedOutAt))).ToList();
        await using var csv = CsvExport.Start(response, $"manuels-{FileName(list.ClassName)}-{list.Year}.csv");
        await csv.RowAsync(T["Csv.Title"], T["Csv.Publisher"], T["Csv.Isbn"], T["Csv.Kind"], T["Csv.Quantity"], T["Csv.Unit"], T["Csv.Amount"]);
        // The list's own order of items, each counted from the answers (which keep the item as it was when answered).
        foreach (var item in list.Items)
        {
            var count = ordered.Count(o => o.Item.Id == item.Id);
            await csv.RowAsync(item.Title, item.Publisher, item.Isbn, Kind(T, item), count.ToString(SchoolTime.Culture), CsvExport.Amount(item.PriceCents),
                CsvExport.Amount(count * item.PriceCents));
        }
        await csv.RowAsync();
        await csv.RowAsync(T["Csv.Class"], T["Csv.Pupil"], T["Csv.Title"], T["Csv.Isbn"], T["Csv.Kind"], T["Csv.ConfirmedAt"], T["Csv.HandedOut"]);
        foreach (var (answer, item, handedOut) in ordered)
        {
            await csv.RowAsync(list.ClassName, $"{answer.LastName} {answer.FirstName}", item.Title, item.Isbn, Kind(T, item),
                SchoolTime.DateAndTime(answer.Confirmation!.ConfirmedAt), handedOut is { } at ? SchoolTime.Date(at) : "");
        }
    }

    /// <summary>A class name as part of a file name: letters and digits kept, the rest a hyphen.</summary>
    public static string FileName(string text) => new([.. text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    static string Kind(IStringLocalizer<TextbookText> T, TextbookItem item) => item.Rental ? T["Csv.Rent"] : T["Csv.Buy"];
}