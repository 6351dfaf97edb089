using System.Globalization;
using ItSchool.Orders;
using ItSchool.Web.Wallets;

namespace ItSchool.Web.Orders;

/// <summary>
/// The form's fields as posted (kept as typed, to show a refused form again) and their reading into a
/// <see cref="FormDraft"/>. Article rows are numbered fields <c>A0.Code</c>, <c>A0.Label</c>…; a row left empty is no
/// article. An article's sizes are typed on one line, each with its stock after a colon: "S:10, M:5, L" (no stock:
/// no limit); without sizes, its stock is the row's own field.
/// </summary>
public static class SchoolOrderFields
{
    public const int MaxRows = 60;

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(IFormCollection form) =>
        form.Where(f => f.Key != "__RequestVerificationToken")
            .ToDictionary(f => f.Key, f => (IReadOnlyList<string>)[.. f.Value.Select(v => v ?? "")]);

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Blank(DateOnly today) => new Dictionary<string, IReadOnlyList<string>>
    {
        ["Kind"] = ["shop"],
        ["Opens"] = [Day(today)],
        ["Closes"] = [Day(today.AddDays(14))],
        ["Audience"] = ["all"],
        ["Payment"] = ["wallet"],
        ["DueDays"] = ["14"],
    };

    /// <summary>A form as its fields, to change it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(OrderForm form)
    {
        var fields = new Dictionary<string, IReadOnlyList<string>>
        {
            ["Kind"] = [Ledger(form.Kind)],
            ["Title"] = [form.Title],
            ["Description"] = [form.Description],
            ["Opens"] = [Day(form.OpensOn)],
            ["Closes"] = [Day(form.ClosesOn)],
            ["Audience"] = [form.Classes is null ? "all" : "classes"],
            ["Class"] = form.Classes ?? [],
            ["Payment"] = [Ledger(form.Payment)],
            ["Compartment"] = [form.Compartment?.ToString(CultureInfo.InvariantCulture) ?? ""],
            ["DueDays"] = [form.DueDays.ToString(CultureInfo.InvariantCulture)],
        };
        for (var i = 0; i < form.Articles.Count; i++)
        {
            var article = form.Articles[i];
            var single = article.Options is [{ Name: "" } only] ? only : null;
            fields[$"A{i}.Code"] = [article.Code];
            fields[$"A{i}.Label"] = [article.Label];
            fields[$"A{i}.Price"] = [Money.Amount(article.PriceCents)];
            fields[$"A{i}.Limit"] = [article.LimitPerPupil?.ToString(CultureInfo.InvariantCulture) ?? ""];
            fields[$"A{i}.Options"] = [single is null ? string.Join(", ", article.Options.Select(o => o.Stock is { } s ? $"{o.Name}:{s}" : o.Name)) : ""];
            fields[$"A{i}.Stock"] = [single?.Stock?.ToString(CultureInfo.InvariantCulture) ?? ""];
            if (article.Withdrawn)
            {
                fields[$"A{i}.Withdrawn"] = ["1"];
            }
        }
        return fields;
    }

    /// <summary>How many article rows the fields hold, empty ones included.</summary>
    public static int Rows(IReadOnlyDictionary<string, IReadOnlyList<string>> fields) =>
        Enumerable.Range(0, MaxRows).LastOrDefault(i => fields.ContainsKey($"A{i}.Code"), -1) + 1;

    /// <summary>How many article rows are filled in.</summary>
    public static int Filled(IReadOnlyDictionary<string, IReadOnlyList<string>> fields) =>
        Enumerable.Range(0, MaxRows).Count(i => !Empty(fields, i));

    public static string One(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, string name) =>
        fields.TryGetValue(name, out var values) ? values.FirstOrDefault() ?? "" : "";

    static bool Empty(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, int row) =>
        new[] { "Code", "Label", "Price", "Limit", "Options", "Stock" }.All(f => One(fields, $"A{row}.{f}").Trim().Length == 0);

    /// <summary>The fields as a draft, and what cannot even be read (the store then says what else is wrong).</summary>
    public static (FormDraft Draft, List<FormProblem> Problems) Draft(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, Guid id, Guid schoolId)
    {
        var problems = new List<FormProblem>();
        string Get(string name) => One(fields, name).Trim();
        var kind = Get("Kind") switch
        {
            "photos" => OrderKind.Photos,
            "shop" => OrderKind.Shop,
            "form" => OrderKind.Form,
            _ => (OrderKind?)null,
        };
        if (kind is null)
        {
            problems.Add(new("Kind"));
        }
        var payment = Get("Payment") switch
        {
            "wallet" => OrderPayment.Wallet,
            "invoice" => OrderPayment.Invoice,
            _ => (OrderPayment?)null,
        };
        if (payment is null)
        {
            problems.Add(new("Payment"));
        }
        IReadOnlyList<string>? classes = Get("Audience") == "classes"
            ? [.. (fields.TryGetValue("Class", out var named) ? named : []).Where(c => c.Length > 0).Distinct()]
            : null;
        var articles = new List<ArticleDraft>();
        for (var i = 0; i < MaxRows; i++)
        {
            if (Empty(fields, i))
            {
                continue;
            }
            var code = Get($"A{i}.Code");
            var price = Get($"A{i}.Price");
            var cents = price is "0" or "0,00" or "0.00" ? 0 : Money.TryParseCents(price, out var parsed) ? parsed : -1;
            var limitText = Get($"A{i}.Limit");
            int? limit = limitText.Length == 0 ? null : int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 0;
            var optionsText = Get($"A{i}.Options");
            List<OptionDraft> options = optionsText.Length == 0
                ? [new OptionDraft("", Stock(Get($"A{i}.Stock")))]
                : [.. optionsText.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Option)];
            articles.Add(new ArticleDraft(code, Get($"A{i}.Label"), cents, limit, options, One(fields, $"A{i}.Withdrawn") == "1",
                One(fields, $"A{i}.Remove") == "1"));
        }
        var draft = new FormDraft(id, schoolId, kind ?? OrderKind.Shop, Get("Title"), One(fields, "Description").Trim(), Date(Get("Opens")),
            Date(Get("Closes")), classes, payment ?? OrderPayment.Wallet,
            int.TryParse(Get("Compartment"), NumberStyles.None, CultureInfo.InvariantCulture, out var compartment) ? compartment : null,
            int.TryParse(Get("DueDays"), NumberStyles.None, CultureInfo.InvariantCulture, out var due) ? due : null, articles);
        return (draft, problems);
    }

    /// <summary>"M:5" or "M" (no limit); a stock that cannot be read is -1, which the store refuses by name.</summary>
    static OptionDraft Option(string text) =>
        text.LastIndexOf(':') is var colon and >= 0
            ? new OptionDraft(text[..colon].Trim(), Stock(text[(colon + 1)..].Trim()) ?? -1)
            : new OptionDraft(text, null);

    static int? Stock(string text) =>
        text.Length == 0 ? null : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var stock) ? stock : -1;

    static DateOnly? Date(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Ledger<T>(T value) where T : struct, Enum => ItSchool.Wallets.LedgerNames.ToDatabase(value);
}