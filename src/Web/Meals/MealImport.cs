using System.Globalization;
using System.Text;
using ItSchool.Meals;
using ItSchool.Platform;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>An article a line of the file puts on a day; <see cref="Replaces"/> when the day already has that code.</summary>
public sealed record ImportedArticle(int Line, DateOnly Day, MealArticle Article, bool Replaces);

public sealed record MealImportError(int Line, string Reason);

/// <summary>What a file would do, or why it cannot: written only when every line is valid.</summary>
public sealed record MealImportPlan(IReadOnlyList<ImportedArticle> Articles, IReadOnlyList<MealImportError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Articles.Count > 0;
}

/// <summary>
/// Menus from a CSV file, one article per line: <c>jour;code;libelle;prix;compartiment;allergenes;capacite</c> (the header
/// line is optional; ';' or ',' between cells; UTF-8 with or without mark). A file adds and replaces articles on its
/// days and leaves the others alone; it is taken whole or not at all.
/// </summary>
public sealed class MealImport(MealMenus menus, CompartmentSettingsStore compartments, TimeProvider clock,
    IStringLocalizer<MealAdminText> A, IStringLocalizer<MealText> M)
{
    public const int MaxBytes = 500_000;
    public const int MaxLines = 2_000;

    static readonly string[] DayFormats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"];

    /// <summary>The example offered for download: next week's Monday and Tuesday, so that it imports as it is.</summary>
    public string Example(DateOnly monday, IReadOnlyList<CompartmentSettings> schoolCompartments)
    {
        var compartment = schoolCompartments.Count == 0 ? "1" : schoolCompartments[^1].Name;
        string Day(int offset) => monday.AddDays(offset).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        string Name(Allergens allergen) => M[$"Allergen.{allergen}"];
        // Written in the reader's language, so that it imports as it is; numbers and names mixed to show both are read.
        var (hot, soup) = (A["Import.Example.HotCode"].Value, A["Import.Example.SoupCode"].Value);
        return $"""
            {A["Import.Example.Header"]}
            {Day(0)};{hot};{A["Import.Example.Hot"]};4,50;{compartment};{Name(Allergens.Gluten)}|{Name(Allergens.Milk)}|{Name(Allergens.Celery)};120
            {Day(0)};{soup};{A["Import.Example.Soup"]};1,20;{compartment};{Name(Allergens.Celery)};
            {Day(1)};{hot};{A["Import.Example.Fish"]};4,50;{compartment};{Name(Allergens.Fish)}|7;100
            {Day(1)};SANDWICH;{A["Import.Example.Sandwich"]};2.80;{compartment};1|{Name(Allergens.Milk)};
            """;
    }

    /// <summary>What the file would do to the school's menus now; writes nothing.</summary>
    public async Task<MealImportPlan> PlanAsync(Guid schoolId, string text, CancellationToken cancellationToken = default)
    {
        var errors = new List<MealImportError>();
        if (text.Length > MaxBytes)
        {
            return new([], [new(1, A["Import.TooLarge"])]);
        }
        var (records, unclosed) = CsvText.Read(text);
        if (unclosed is { } unclosedLine)
        {
            errors.Add(new(unclosedLine, A["Import.UnclosedQuote"]));
        }
        var rows = records.SkipWhile((r, i) => i == 0 && ReadDay(r.Fields[0]) is null).ToList();
        if (rows.Count == 0 && errors.Count == 0)
        {
            return new([], [new(1, A["Import.Empty"])]);
        }
        if (rows.Count > MaxLines)
        {
            return new([], [new(1, A["Import.TooManyLines", MaxLines])]);
        }
        var known = await compartments.LoadAsync(schoolId, cancellationToken);
        var today = SchoolTime.Today(clock);
        var articles = new List<ImportedArticle>();
        var firstLine = new Dictionary<(DateOnly, string), int>();
        foreach (var row in rows)
        {
            var cells = row.Fields.Select(f => f.Trim()).ToList();
            if (cells.Count < 5 || cells.Skip(7).Any(c => c.Length > 0))
            {
                errors.Add(new(row.Line, A["Import.Columns", cells.Count]));
                continue;
            }
            var lineErrors = new List<string>();
            var day = ReadDay(cells[0]);
            if (day is null)
            {
                lineErrors.Add(A["Import.BadDay", cells[0]]);
            }
            else if (day < today)
            {
                lineErrors.Add(A["Import.PastDay", SchoolTime.Date(day.Value)]);
            }
            else if (day > today.AddDays(MealRules.MaxHorizonDays))
            {
                lineErrors.Add(A["Import.TooFar", SchoolTime.Date(day.Value)]);
            }
            var code = cells[1].ToUpperInvariant();
            if (!MealAdminPages.CodeShape().IsMatch(code))
            {
                lineErrors.Add(A["Import.Code", cells[1]]);
            }
            if (cells[2].Length is 0 or > MealArticle.MaxLabel)
            {
                lineErrors.Add(A["Import.Label", MealArticle.MaxLabel]);
            }
            if (!Money.TryParseCents(cells[3], out var price) || price > MealArticle.MaxPriceCents)
            {
                lineErrors.Add(A["Import.Price", cells[3]]);
            }
            var compartment = known.FirstOrDefault(c => c.Compartment.ToString(CultureInfo.InvariantCulture) == cells[4]
                || string.Equals(c.Name.Trim(), cells[4], StringComparison.CurrentCultureIgnoreCase));
            if (compartment is null)
            {
                lineErrors.Add(A["Import.Compartment", cells[4], string.Join(", ", known.Select(c => c.Name))]);
            }
            var allergens = Allergens.None;
            foreach (var name in cells.ElementAtOrDefault(5)?.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [])
            {
                if (MealAllergenNames.Read(name, M) is { } one)
                {
                    allergens |= one;
                }
                else
                {
                    lineErrors.Add(A["Import.Allergen", name]);
                }
            }
            var capacity = MealAdminPages.ReadCapacity(cells.ElementAtOrDefault(6));
            if (capacity is null)
            {
                lineErrors.Add(A["Import.Capacity", cells[6], MealAdminPages.MaxCapacity]);
            }
            if (day is { } d && lineErrors.Count == 0 && !firstLine.TryAdd((d, code), row.Line))
            {
                lineErrors.Add(A["Import.Duplicate", code, SchoolTime.Date(d), firstLine[(d, code)]]);
            }
            errors.AddRange(lineErrors.Select(e => new MealImportError(row.Line, e)));
            if (lineErrors.Count == 0)
            {
                articles.Add(new(row.Line, day!.Value, new MealArticle(code, cells[2], price, compartment!.Compartment, allergens, capacity!.Value.Limit), false));
            }
        }
        if (articles.Count > 0)
        {
            // What the days hold now: a withdrawn article stays withdrawn, and a capacity never drops below its bookings.
            var first = articles.Min(a => a.Day);
            var days = (await menus.DaysAsync(schoolId, first, articles.Max(a => a.Day).DayNumber - first.DayNumber + 1)).ToDictionary(d => d.Day);
            for (var i = 0; i < articles.Count; i++)
            {
                var imported = articles[i];
                if (days[imported.Day].Articles.FirstOrDefault(a => a.Article.Code == imported.Article.Code) is not { } existing)
                {
                    continue;
                }
                articles[i] = imported with { Replaces = true };
                if (existing.Withdrawn)
                {
                    errors.Add(new(imported.Line, A["Import.Withdrawn", imported.Article.Code]));
                }
                else if (imported.Article.Capacity < existing.Held)
                {
                    errors.Add(new(imported.Line, A["Import.CapacityBelowBookings", existing.Held]));
                }
            }
        }
        return new(articles, [.. errors.OrderBy(e => e.Line)]);
    }

    /// <summary>Plans the file again against the menus as they are now and, when valid, writes every day of it.</summary>
    public async Task<MealImportPlan> ApplyAsync(Guid schoolId, string text, CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(schoolId, text, cancellationToken);
        if (!plan.IsValid)
        {
            return plan;
        }
        foreach (var day in plan.Articles.GroupBy(a => a.Day))
        {
            var current = (await menus.DaysAsync(schoolId, day.Key, 1))[0].Articles.Select(a => a.Article).ToDictionary(a => a.Code);
            foreach (var imported in day)
            {
                current[imported.Article.Code] = imported.Article;
            }
            if (await menus.SetDayAsync(schoolId, day.Key, [.. current.Values]) is { } problem)
            {
                return plan with { Errors = [new(day.First().Line, A[$"MenuProblem.{problem}"])] };
            }
        }
        return plan;
    }

    static DateOnly? ReadDay(string text) =>
        DateOnly.TryParseExact(text.Trim(), DayFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}

/// <summary>The import's pages: the form and help, the preview or the errors by line, the confirmation, the example file.</summary>
public static class MealImportPages
{
    public static void MapMealImport(this RouteGroupBuilder admin)
    {
        admin.MapGet("/import", () => new RazorComponentResult<MealImportPage>());

        // With a byte order mark, so that Excel opens the accents as UTF-8.
        admin.MapGet("/import/exemple.csv", async (HttpContext context, MealImport import, CompartmentSettingsStore compartments, TimeProvider clock,
            IStringLocalizer<MealAdminText> A) =>
        {
            var example = import.Example(MealAdminPages.MondayOf(SchoolTime.Today(clock)).AddDays(7),
                await compartments.LoadAsync(context.School()!.Id, context.RequestAborted));
            return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(example.ReplaceLineEndings("\r\n") + "\r\n")).ToArray(),
                "text/csv; charset=utf-8", A["Import.ExampleFile"].Value);
        });

        admin.MapPost("/import", async (HttpContext context, MealImport import, IStringLocalizer<MealAdminText> A,
            [FromForm(Name = "fichier")] IFormFile? file) =>
        {
            if (file is null || file.Length == 0)
            {
                return new RazorComponentResult<MealImportPage>(new { Problem = A["Import.NoFile"].Value });
            }
            if (file.Length > MealImport.MaxBytes)
            {
                return new RazorComponentResult<MealImportPage>(new { Problem = A["Import.TooLarge"].Value });
            }
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes, context.RequestAborted);
            if (CsvText.Decode(bytes.ToArray()) is not { } text)
            {
                return new RazorComponentResult<MealImportPage>(new { Problem = A["Import.Unreadable"].Value });
            }
            var plan = await import.PlanAsync(context.School()!.Id, text, context.RequestAborted);
            return new RazorComponentResult<MealImportPage>(new { Plan = plan, Content = text, FileName = file.FileName });
        });

        admin.MapPost("/import/confirmer", async (HttpContext context, MealImport import, [FromForm(Name = "Content")] string? content) =>
        {
            var plan = await import.ApplyAsync(context.School()!.Id, content ?? "", context.RequestAborted);
            return plan.IsValid
                ? (IResult)Flash.Redirect(context, MealAdminPages.WeekUrl(plan.Articles.Min(a => a.Day)), "imported", plan.Articles.Count, plan.Articles.Select(a => a.Day).Distinct().Count())
                : new RazorComponentResult<MealImportPage>(new { Plan = plan, Content = content });
        });
    }
}