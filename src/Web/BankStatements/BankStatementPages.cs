using ItSchool.BankStatements;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using ItSchool.Web.Work;
using ItSchool.Work;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// Upload one or several statement files → a preview of each (statements, matches, lines left to resolve)
/// → apply → the import report, kept in the history. The files wait in the database between the preview
/// and the confirmation, so any web node can apply them.
/// </summary>
public static class BankStatementPages
{
    public const long MaxFileBytes = 50 * 1024 * 1024;

    public static void MapBankStatementPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/releves", async (HttpContext context, BankImports imports, MovementsToResolve toResolve) =>
            new RazorComponentResult<BankStatementsPage>(await HomeAsync(context, imports, toResolve)));

        manager.MapPost("/releves", async (HttpContext context, BankImports imports, MovementsToResolve toResolve, IStringLocalizer<BankText> T) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var files = form.Files.Where(f => f.Length > 0).ToList();
            var problem = files.Count == 0 ? T["NoFile"].Value : null;
            problem ??= files.FirstOrDefault(f => f.Length > MaxFileBytes) is { } large ? T["TooLarge", large.FileName, MaxFileBytes / 1024 / 1024].Value : null;
            if (problem is not null)
            {
                return new RazorComponentResult<BankStatementsPage>(await HomeAsync(context, imports, toResolve, problem));
            }
            var schoolId = context.School()!.Id;
            var user = SignedInUser.From(context.User)!;
            var previews = new List<ImportPreview>();
            foreach (var file in files)
            {
                using var content = new MemoryStream();
                await file.CopyToAsync(content, context.RequestAborted);
                var id = await imports.UploadAsync(schoolId, Path.GetFileName(file.FileName), content.ToArray(), user.DisplayName, context.RequestAborted);
                previews.Add((await imports.PreviewAsync(schoolId, id, context.RequestAborted))!);
            }
            return (IResult)new RazorComponentResult<BankPreviewPage>(new { Previews = previews });
        });

        // Applying twice (a double click, a reload) finds the work the first click queued, and ends on the same report.
        manager.MapPost("/releves/appliquer", async (HttpContext context, BankImports imports, WorkItems work, BackgroundWork background) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var schoolId = context.School()!.Id;
            var user = SignedInUser.From(context.User)!;
            var chosen = new List<Guid>();
            foreach (var value in form["Imports"])
            {
                if (Guid.TryParse(value, out var importId) && !chosen.Contains(importId)
                    && await imports.FindAsync(schoolId, importId, context.RequestAborted) is not null)
                {
                    chosen.Add(importId);
                }
            }
            if (chosen.Count == 0)
            {
                return Results.NotFound();
            }
            chosen.Sort();
            var id = await work.QueueAsync(schoolId, BankImportWork.Name, string.Join(',', chosen),
                new BankImportWork.Arguments(chosen, user.Id.ToString(), user.DisplayName), user.DisplayName, context.RequestAborted);
            return await WorkPages.FollowAsync(context, background, id);
        });

        // The report of the files one "Appliquer" applied, where its work item's page ends.
        manager.MapGet("/releves/rapport", async (HttpContext context, BankImports imports, MovementsToResolve toResolve) =>
        {
            var schoolId = context.School()!.Id;
            var reports = new List<ImportReport>();
            foreach (var value in context.Request.Query["id"].Take(50))
            {
                if (Guid.TryParse(value, out var importId) && await imports.FindAsync(schoolId, importId, context.RequestAborted) is { } report)
                {
                    reports.Add(report);
                }
            }
            return reports.Count == 0
                ? Results.NotFound()
                : new RazorComponentResult<BankReportPage>(new { Reports = reports, ToResolveCount = await toResolve.CountAsync(schoolId, context.RequestAborted) });
        });

        manager.MapGet("/releves/{importId:guid}", async (Guid importId, HttpContext context, BankImports imports, MovementsToResolve toResolve) =>
            await imports.FindAsync(context.School()!.Id, importId, context.RequestAborted) is { } report
                ? new RazorComponentResult<BankReportPage>(new
                {
                    Reports = new[] { report },
                    ToResolveCount = await toResolve.CountAsync(context.School()!.Id, context.RequestAborted),
                })
                : Results.NotFound());
    }

    /// <summary>The report of these imports, relative to the school.</summary>
    public static string ReportPage(IEnumerable<Guid> imports) => "gestion/releves/rapport?" + string.Join('&', imports.Select(id => $"id={id}"));

    static async Task<object> HomeAsync(HttpContext context, BankImports imports, MovementsToResolve toResolve, string? problem = null)
    {
        var schoolId = context.School()!.Id;
        return new
        {
            History = await imports.HistoryAsync(schoolId, cancellationToken: context.RequestAborted),
            ToResolveCount = await toResolve.CountAsync(schoolId, context.RequestAborted),
            Problem = problem,
            UnderWay = await context.RequestServices.GetRequiredService<WorkItems>().UnderWayAsync(schoolId, BankImportWork.Name, context.RequestAborted),
        };
    }
}