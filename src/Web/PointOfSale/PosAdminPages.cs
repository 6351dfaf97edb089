using System.Globalization;
using ItSchool.Accounts;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Wallets;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// The school side of the point of sale: terminals (the key shown once, revocable), articles (one at a time
/// or a CSV import, all or nothing) and pupils' cards (assign, replace a lost one).
/// </summary>
public static class PosAdminPages
{
    public static void MapPosAdmin(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/gestion/caisses").RequireAuthorization(nameof(Role.Manager)).RequireModule(SchoolModule.PointOfSale);

        admin.MapGet("", async (HttpContext context, Terminals terminals, Catalogue catalogue, NpgsqlDataSource db) =>
            new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db)));

        admin.MapPost("/terminaux", async (HttpContext context, Terminals terminals, Catalogue catalogue, NpgsqlDataSource db,
            IStringLocalizer<Ui> T, [FromForm] TerminalForm form) =>
        {
            var schoolId = context.School()!.Id;
            var compartments = await CompartmentSettings.LoadAsync(db, schoolId, context.RequestAborted);
            var name = form.Name?.Trim() ?? "";
            if (name.Length is 0 or > 80 || !Enum.TryParse<TerminalKind>(form.Kind, out var kind) || compartments.All(c => c.Compartment != form.Compartment))
            {
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db, problems: [T["PosAdmin.TerminalInvalid"]]));
            }
            var (terminal, key) = await terminals.CreateAsync(schoolId, name, kind, form.Compartment, cancellationToken: context.RequestAborted);
            return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db, newKey: (terminal.Name, key)));
        });

        admin.MapPost("/terminaux/{terminalId:guid}/revocation", async (Guid terminalId, HttpContext context, Terminals terminals) =>
            await terminals.RevokeAsync(context.School()!.Id, terminalId, context.RequestAborted)
                ? Results.Redirect($"{context.Request.PathBase}/gestion/caisses")
                : Results.NotFound());

        admin.MapPost("/articles", async (HttpContext context, Terminals terminals, Catalogue catalogue, NpgsqlDataSource db,
            IStringLocalizer<Ui> T, [FromForm] ArticleForm form) =>
        {
            var (article, problem) = Parse(form.Code, form.Label, form.Price, form.Category, form.OpenPrice, T);
            if (article is null)
            {
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db, problems: [problem!]));
            }
            await catalogue.SaveAsync(context.School()!.Id, [(article, form.Active)], context.RequestAborted);
            return Results.Redirect($"{context.Request.PathBase}/gestion/caisses");
        });

        admin.MapPost("/articles/import", async (HttpContext context, Terminals terminals, Catalogue catalogue, NpgsqlDataSource db,
            IStringLocalizer<Ui> T, [FromForm] ImportForm form) =>
        {
            var problems = new List<string>();
            var articles = new List<(Article, bool)>();
            var lines = (form.Csv ?? "").ReplaceLineEndings("\n").Split('\n');
            foreach (var (line, number) in lines.Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0).Skip(1))
            {
                var cells = line.Split(line.Contains(';') ? ';' : ',');
                var (article, problem) = cells.Length < 3
                    ? (null, T["PosAdmin.ColumnsMissing"].Value)
                    : Parse(cells[0], cells[1], cells[2], cells.ElementAtOrDefault(3), false, T);
                if (article is null)
                {
                    problems.Add(T["PosAdmin.Line", number, problem!]);
                }
                else
                {
                    articles.Add((article, true));
                }
            }
            if (articles.Count == 0 && problems.Count == 0)
            {
                problems.Add(T["PosAdmin.EmptyImport"]);
            }
            if (problems.Count > 0)
            {
                return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db, problems: problems, csv: form.Csv));
            }
            await catalogue.SaveAsync(context.School()!.Id, articles, context.RequestAborted);
            return new RazorComponentResult<PosAdminPage>(await ModelAsync(context, terminals, catalogue, db, notice: T["PosAdmin.Imported", articles.Count]));
        });

        admin.MapGet("/cartes", async (HttpContext context, Cards cards, string? q) =>
            new RazorComponentResult<CardsPage>(new { Cards = await cards.ListAsync(context.School()!.Id, q, context.RequestAborted), Search = q }));

        admin.MapPost("/cartes/{pupilId:guid}", async (Guid pupilId, HttpContext context, Cards cards, IStringLocalizer<Ui> T, [FromForm] CardForm form) =>
        {
            var problem = await cards.AssignAsync(context.School()!.Id, pupilId, form.Uid ?? "", context.RequestAborted);
            if (problem == CardProblem.UnknownPupil)
            {
                return Results.NotFound();
            }
            return new RazorComponentResult<CardsPage>(new
            {
                Cards = await cards.ListAsync(context.School()!.Id, form.Search, context.RequestAborted),
                Search = form.Search,
                Problem = problem is null ? null : T[$"PosAdmin.Card.{problem}"].Value,
                Notice = problem is null ? T["PosAdmin.CardAssigned"].Value : null,
            });
        });
    }

    static (Article? Article, string? Problem) Parse(string? code, string? label, string? price, string? category, bool openPrice, IStringLocalizer<Ui> T)
    {
        code = code?.Trim().ToUpperInvariant() ?? "";
        label = label?.Trim() ?? "";
        if (code.Length is 0 or > 30 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return (null, T["PosAdmin.InvalidCode"]);
        }
        if (label.Length is 0 or > 80)
        {
            return (null, T["PosAdmin.InvalidLabel"]);
        }
        long cents = 0;
        if (!openPrice && !Money.TryParseCents(price, out cents))
        {
            return (null, T["PosAdmin.InvalidPrice"]);
        }
        return (new Article(code, label, cents, string.IsNullOrWhiteSpace(category) ? null : category.Trim(), openPrice), null);
    }

    static async Task<object> ModelAsync(HttpContext context, Terminals terminals, Catalogue catalogue, NpgsqlDataSource db,
        IReadOnlyList<string>? problems = null, (string Name, string Key)? newKey = null, string? notice = null, string? csv = null)
    {
        var schoolId = context.School()!.Id;
        return new
        {
            Terminals = await terminals.ListAllAsync(schoolId, context.RequestAborted),
            Articles = await catalogue.ListAsync(schoolId, context.RequestAborted),
            Compartments = await CompartmentSettings.LoadAsync(db, schoolId, context.RequestAborted),
            Problems = problems ?? [],
            NewKeyFor = newKey?.Name,
            NewKey = newKey?.Key,
            Notice = notice,
            Csv = csv,
        };
    }

    public static string Price(long cents) => (cents / 100m).ToString("0.00", CultureInfo.GetCultureInfo("fr-BE"));

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
        public bool Active { get; set; }
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