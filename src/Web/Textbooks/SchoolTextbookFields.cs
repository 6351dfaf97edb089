using System.Globalization;
using ItSchool.Textbooks;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// The list editor's fields as posted (kept as typed, to show a refused list again) and their reading into a
/// <see cref="TextbookListDraft"/>. Item rows are numbered fields <c>I0.Title</c>, <c>I0.Isbn</c>…; a row left empty is
/// no item.
/// </summary>
public static class SchoolTextbookFields
{
    public const int MaxRows = TextbookLimits.MaxItems + 10;

    static readonly string[] ItemFields = ["Title", "Publisher", "Isbn", "Price", "Deposit", "ReturnOn"];

    public static IReadOnlyDictionary<string, string> Read(IFormCollection form) =>
        form.Where(f => f.Key != "__RequestVerificationToken").ToDictionary(f => f.Key, f => f.Value.ToString());

    /// <summary>The school year running on <paramref name="today"/>, by the year it starts (a list is made in spring for September too).</summary>
    public static int YearOf(DateOnly today) => today.Month >= 8 ? today.Year : today.Year - 1;

    public static IReadOnlyDictionary<string, string> Blank(DateOnly today) => new Dictionary<string, string>
    {
        ["Year"] = YearOf(today).ToString(CultureInfo.InvariantCulture),
        ["Opens"] = Day(today),
        ["Closes"] = Day(today.AddDays(21)),
        ["Payment"] = "invoice",
        ["Compartment"] = "1",
        ["DueDays"] = "14",
    };

    public static IReadOnlyDictionary<string, string> Of(TextbookList list)
    {
        var fields = new Dictionary<string, string>
        {
            ["Class"] = list.ClassName,
            ["Year"] = list.SchoolYear.ToString(CultureInfo.InvariantCulture),
            ["Opens"] = Day(list.OpensOn),
            ["Closes"] = Day(list.ClosesOn),
            ["Payment"] = list.Payment == TextbookPayment.Wallet ? "wallet" : "invoice",
            ["Compartment"] = (list.Compartment ?? 1).ToString(CultureInfo.InvariantCulture),
            ["DueDays"] = list.DueDays.ToString(CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < list.Items.Count; i++)
        {
            var item = list.Items[i];
            fields[$"I{i}.Id"] = item.Id.ToString();
            fields[$"I{i}.Title"] = item.Title;
            fields[$"I{i}.Publisher"] = item.Publisher;
            fields[$"I{i}.Isbn"] = item.Isbn ?? "";
            fields[$"I{i}.Price"] = Money.Amount(item.PriceCents);
            fields[$"I{i}.Kind"] = item.Rental ? "rent" : "buy";
            fields[$"I{i}.Deposit"] = item.Rental ? Money.Amount(item.DepositCents) : "";
            fields[$"I{i}.ReturnOn"] = item.ReturnOn is { } back ? Day(back) : "";
            if (item.Compulsory)
            {
                fields[$"I{i}.Compulsory"] = "1";
            }
        }
        return fields;
    }

    /// <summary>How many item rows the fields hold, empty ones included.</summary>
    public static int Rows(IReadOnlyDictionary<string, string> fields) =>
        Enumerable.Range(0, MaxRows).LastOrDefault(i => fields.ContainsKey($"I{i}.Title"), -1) + 1;

    public static string One(IReadOnlyDictionary<string, string> fields, string name) => fields.GetValueOrDefault(name) ?? "";

    static bool Empty(IReadOnlyDictionary<string, string> fields, int row) => ItemFields.All(f => One(fields, $"I{row}.{f}").Trim().Length == 0);

    /// <summary>The fields as a draft; what cannot be read goes in out of range, for the store to name.</summary>
    public static TextbookListDraft Draft(IReadOnlyDictionary<string, string> fields, Guid id, Guid schoolId)
    {
        string Get(string name) => One(fields, name).Trim();
        var payment = Get("Payment") switch
        {
            "wallet" => TextbookPayment.Wallet,
            "invoice" => TextbookPayment.Invoice,
            _ => (TextbookPayment?)null,
        };
        var items = new List<TextbookItemDraft>();
        for (var i = 0; i < MaxRows; i++)
        {
            if (Empty(fields, i))
            {
                continue;
            }
            var rental = Get($"I{i}.Kind") == "rent";
            items.Add(new TextbookItemDraft(Guid.TryParse(Get($"I{i}.Id"), out var itemId) ? itemId : null, Get($"I{i}.Title"), Get($"I{i}.Publisher"),
                Get($"I{i}.Isbn"), Cents(Get($"I{i}.Price")), rental, rental ? Cents(Get($"I{i}.Deposit")) : 0, Date(Get($"I{i}.ReturnOn")),
                One(fields, $"I{i}.Compulsory") == "1"));
        }
        return new TextbookListDraft(id, schoolId, Get("Class"), Number(Get("Year")) ?? 0, Date(Get("Opens")), Date(Get("Closes")), payment,
            Number(Get("Compartment")), Number(Get("DueDays")), items);
    }

    /// <summary>An amount typed "12,50"; nothing or zero is free; what cannot be read is -1.</summary>
    static long Cents(string text) =>
        text.Length == 0 || text.Trim('0', ',', '.').Length == 0 ? 0 : Money.TryParseCents(text, out var cents) ? cents : -1;

    static int? Number(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}