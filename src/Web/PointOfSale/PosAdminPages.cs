using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Platform;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// The school side of the point of sale: terminals (the key shown once, revocable), articles (added one at
/// a time — an existing code is refused, never overwritten — edited, withdrawn from sale and put back, or
/// a CSV price list, all or nothing) and pupils' cards (assign, replace a lost one).
/// </summary>
public static class PosAdminPages
{
    /// <summary>The longest price text read ("1 000,00 €" and some spaces); the form's maxlength.</summary>
    public const int MaxPriceTextLength = 12;

    /// <summary>The longest CSV price list read at once; the form's maxlength.</summary>
    public const int MaxImportLength = 200_000;

    /// <summary>What <see cref="Done"/> says was done, and the notice that words it.</summary>
    static readonly Dictionary<string, string> DoneNotices = new()
    {
        ["created"] = "PosAdmin.Created",
        ["saved"] = "PosAdmin.Saved",
        ["withdrawn"] = "PosAdmin.Withdrawn",
        ["putback"] = "PosAdmin.PutBackDone",
    };

    public static void MapPosAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/caisses").RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, Terminals terminals, Catalogue catalogue, CompartmentSettingsStore compartmentSettings, IStringLocalizer<PosText> P,
            string? ok, string? article) =>
        {
            var notice = ok is not null && DoneNotices.TryGetValue(ok, out var key) && article is not null
                && await catalogue.FindAsync(context.School()!.Id, article, context.RequestAborted) is { } done
                    ? P[key, done.Label].Value
                    : null;
            return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings, notice: notice));
        });

        admin.MapPost("/terminaux", async (HttpContext context, Terminals terminals, Catalogue catalogue, CompartmentSettingsStore compartmentSettings,
            IStringLocalizer<PosText> P, [FromForm] TerminalForm form) =>
        {
            var schoolId = context.School()!.Id;
            var compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted);
            var name = form.Name?.Trim() ?? "";
            if (name.Length is 0 or > Terminals.MaxNameLength || !Enum.TryParse<TerminalKind>(form.Kind, out var kind)
                || compartments.All(c => c.Compartment != form.Compartment))
            {
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings,
                    problems: [P["PosAdmin.TerminalInvalid", Terminals.MaxNameLength]]));
            }
            var (terminal, key) = await terminals.CreateAsync(schoolId, name, kind, form.Compartment, cancellationToken: context.RequestAborted);
            return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings, newKey: (terminal.Name, key)));
        });

        admin.MapPost("/terminaux/{terminalId:guid}/revocation", async (Guid terminalId, HttpContext context, Terminals terminals) =>
            await terminals.RevokeAsync(context.School()!.Id, terminalId, context.RequestAborted)
                ? Results.Redirect($"{context.Request.PathBase}/gestion/caisses")
                : Results.NotFound());

        admin.MapPost("/articles", async (HttpContext context, Terminals terminals, Catalogue catalogue, CompartmentSettingsStore compartmentSettings,
            IStringLocalizer<PosText> P, [FromForm] ArticleForm form) =>
        {
            var schoolId = context.School()!.Id;
            var (article, problem) = Read(form.Code, form.Label, form.Price, form.Category, form.OpenPrice);
            if (article is not null)
            {
                problem = await catalogue.CreateAsync(schoolId, article, context.RequestAborted);
            }
            if (problem is not null)
            {
                var message = P["PosAdmin.ArticleRefused", await ProblemTextAsync(problem.Value, form.Code, schoolId, catalogue, P, context.RequestAborted)];
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings, problems: [message], draft: form));
            }
            return Done(context, "created", article!.Normalized().Code);
        });

        admin.MapGet("/articles/{code}", async (string code, HttpContext context, Catalogue catalogue) =>
            await catalogue.FindAsync(context.School()!.Id, code, context.RequestAborted) is { } article
                ? new RazorComponentResult<ArticlePage>(new { Article = article, Draft = ArticleForm.From(article) })
                : Results.NotFound());

        admin.MapPost("/articles/{code}", async (string code, HttpContext context, Catalogue catalogue, IStringLocalizer<PosText> P,
            [FromForm] ArticleForm form) =>
        {
            var schoolId = context.School()!.Id;
            if (await catalogue.FindAsync(schoolId, code, context.RequestAborted) is not { } existing)
            {
                return Results.NotFound();
            }
            var (article, problem) = Read(existing.Code, form.Label, form.Price, form.Category, form.OpenPrice);
            if (article is not null)
            {
                problem = await catalogue.UpdateAsync(schoolId, article, context.RequestAborted);
            }
            if (problem is not null)
            {
                var message = P["PosAdmin.ArticleRefused", await ProblemTextAsync(problem.Value, existing.Code, schoolId, catalogue, P, context.RequestAborted)];
                return new RazorComponentResult<ArticlePage>(new { Article = existing, Draft = form, Problem = message.Value });
            }
            return Done(context, "saved", existing.Code);
        });

        admin.MapPost("/articles/{code}/retrait", (string code, HttpContext context, Catalogue catalogue) =>
            SetOnSaleAsync(code, false, context, catalogue));
        admin.MapPost("/articles/{code}/remise-en-vente", (string code, HttpContext context, Catalogue catalogue) =>
            SetOnSaleAsync(code, true, context, catalogue));

        admin.MapPost("/articles/import", async (HttpContext context, Terminals terminals, Catalogue catalogue, CompartmentSettingsStore compartmentSettings,
            IStringLocalizer<PosText> P, [FromForm] ImportForm form) =>
        {
            var csv = form.Csv ?? "";
            var (articles, problems) = csv.Length <= MaxImportLength
                ? await ReadPriceListAsync(csv, context.School()!.Id, catalogue, P, context.RequestAborted)
                : ([], [P["PosAdmin.ImportTooLong", MaxImportLength].Value]);
            if (problems.Count > 0)
            {
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings, problems: problems, csv: form.Csv));
            }
            var (created, updated) = await catalogue.ImportAsync(context.School()!.Id, articles, context.RequestAborted);
            return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, compartmentSettings,
                notice: P["PosAdmin.Imported", articles.Count, created, updated]));
        });

        admin.MapGet("/cartes", async (HttpContext context, Cards cards, IStringLocalizer<PosText> P, string? q) =>
            q?.Length > Cards.MaxSearchLength
                ? new RazorComponentResult<CardsPage>(new { Search = q, Problem = P["PosAdmin.SearchTooLong", Cards.MaxSearchLength].Value })
                : new RazorComponentResult<CardsPage>(new { Cards = await cards.ListAsync(context.School()!.Id, q, context.RequestAborted), Search = q }));

        admin.MapPost("/cartes/{pupilId:guid}", async (Guid pupilId, HttpContext context, Cards cards, IStringLocalizer<PosText> P, [FromForm] CardForm form) =>
        {
            var problem = await cards.AssignAsync(context.School()!.Id, pupilId, form.Uid ?? "", context.RequestAborted);
            if (problem == CardProblem.UnknownPupil)
            {
                return Results.NotFound();
            }
            var search = form.Search?.Length > Cards.MaxSearchLength ? null : form.Search;
            return new RazorComponentResult<CardsPage>(new
            {
                Cards = await cards.ListAsync(context.School()!.Id, search, context.RequestAborted),
                Search = search,
                Problem = problem is null ? null : P[$"PosAdmin.Card.{problem}", Cards.MaxUidLength].Value,
                Notice = problem is null ? P["PosAdmin.CardAssigned"].Value : null,
            });
        });
    }

    static async Task<IResult> SetOnSaleAsync(string code, bool onSale, HttpContext context, Catalogue catalogue) =>
        await catalogue.SetOnSaleAsync(context.School()!.Id, code, onSale, context.RequestAborted)
            ? Done(context, onSale ? "putback" : "withdrawn", code.Trim().ToUpperInvariant())
            : Results.NotFound();

    /// <summary>Back to the articles, with what was done to which article (the page words it).</summary>
    static IResult Done(HttpContext context, string done, string code) =>
        Results.Redirect($"{context.Request.PathBase}/gestion/caisses?ok={done}&article={Uri.EscapeDataString(code)}#articles");

    /// <summary>The article the form describes, or why it cannot be one; the catalogue checks the rest.</summary>
    static (Article? Article, ArticleProblem? Problem) Read(string? code, string? label, string? price, string? category, bool openPrice)
    {
        long cents = 0;
        if (!openPrice && (price?.Length > MaxPriceTextLength || !Money.TryParseCents(price, out cents)))
        {
            return (null, ArticleProblem.InvalidPrice);
        }
        var article = new Article(code ?? "", label ?? "", cents, category, openPrice).Normalized();
        return article.Check() is { } problem ? (null, problem) : (article, null);
    }

    /// <summary>The problem in the manager's words, lower case to follow "Ligne 3 : " or "Article non enregistré : ".</summary>
    static async Task<string> ProblemTextAsync(ArticleProblem problem, string? code, Guid schoolId, Catalogue catalogue, IStringLocalizer<PosText> P,
        CancellationToken cancellationToken)
    {
        var limit = problem switch
        {
            ArticleProblem.InvalidCode => Article.MaxCodeLength.ToString(CultureInfo.CurrentCulture),
            ArticleProblem.InvalidLabel => Article.MaxLabelLength.ToString(CultureInfo.CurrentCulture),
            ArticleProblem.InvalidCategory => Article.MaxCategoryLength.ToString(CultureInfo.CurrentCulture),
            ArticleProblem.InvalidPrice => Money.Format(Article.MaxPriceCents),
            _ => "",
        };
        var existing = problem == ArticleProblem.CodeTaken && code is not null
            ? (await catalogue.FindAsync(schoolId, code, cancellationToken))?.Label
            : null;
        return P[$"PosAdmin.Problem.{problem}", limit, code?.Trim().ToUpperInvariant() ?? "", existing ?? ""];
    }

    /// <summary>
    /// A price list ("code;libelle;prix;categorie", a header line, ; or , between cells, quotes as spreadsheets write them): its articles, or
    /// every line's problem, so that a list is taken whole or not at all.
    /// </summary>
    static async Task<(IReadOnlyList<Article> Articles, IReadOnlyList<string> Problems)> ReadPriceListAsync(string csv, Guid schoolId,
        Catalogue catalogue, IStringLocalizer<PosText> P, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var articles = new List<Article>();
        var lineOfCode = new Dictionary<string, int>();
        var (records, unclosedQuoteLine) = CsvText.Read(csv);
        if (unclosedQuoteLine is { } unclosed)
        {
            return ([], [P["PosAdmin.Line", unclosed, P["PosAdmin.UnclosedQuote"]]]);
        }
        foreach (var (cells, number) in records.Skip(1).Select(r => (r.Fields.Select(f => f.Trim()).ToArray(), r.Line)))
        {
            if (cells.Length < 3)
            {
                problems.Add(P["PosAdmin.Line", number, P["PosAdmin.ColumnsMissing"]]);
                continue;
            }
            var (article, problem) = Read(cells[0], cells[1], cells[2], cells.ElementAtOrDefault(3), false);
            if (problem is not null)
            {
                problems.Add(P["PosAdmin.Line", number, await ProblemTextAsync(problem.Value, cells[0], schoolId, catalogue, P, cancellationToken)]);
            }
            else if (lineOfCode.TryGetValue(article!.Code, out var first))
            {
                problems.Add(P["PosAdmin.Line", number, P["PosAdmin.DuplicateInImport", article.Code, first]]);
            }
            else
            {
                lineOfCode[article.Code] = number;
                articles.Add(article);
            }
        }
        if (articles.Count == 0 && problems.Count == 0)
        {
            problems.Add(P["PosAdmin.EmptyImport"]);
        }
        return (articles, problems);
    }

    static async Task<object> ModelAsync(HttpContext context, Terminals terminals, Catalogue catalogue, CompartmentSettingsStore compartmentSettings,
        IReadOnlyList<string>? problems = null, (string Name, string Key)? newKey = null, string? notice = null, string? csv = null,
        ArticleForm? draft = null)
    {
        var schoolId = context.School()!.Id;
        return new
        {
            Terminals = await terminals.ListAllAsync(schoolId, context.RequestAborted),
            Articles = await catalogue.ListAsync(schoolId, context.RequestAborted),
            Compartments = await compartmentSettings.LoadAsync(schoolId, context.RequestAborted),
            Problems = problems ?? [],
            NewKeyFor = newKey?.Name,
            NewKey = newKey?.Key,
            Notice = notice,
            Csv = csv,
            Draft = draft ?? new ArticleForm(),
        };
    }

    public static string Price(long cents) => Money.Amount(cents);

    public sealed class TerminalForm
    {
        public string? Name { get; set; }
        public string? Kind { get; set; }
        public int Compartment { get; set; }
    }

    public sealed class ArticleForm
    {
        public string? Code { get; set; }
        public string? Label { get; set; }
        public string? Price { get; set; }
        public string? Category { get; set; }
        public bool OpenPrice { get; set; }

        public static ArticleForm From(Article article) => new()
        {
            Code = article.Code,
            Label = article.Label,
            Price = article.OpenPrice ? "" : PosAdminPages.Price(article.PriceCents),
            Category = article.Category,
            OpenPrice = article.OpenPrice,
        };
    }

    public sealed class ImportForm
    {
        public string? Csv { get; set; }
    }

    public sealed class CardForm
    {
        public string? Uid { get; set; }
        public string? Search { get; set; }
    }
}