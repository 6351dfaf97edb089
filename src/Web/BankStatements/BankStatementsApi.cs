using ItSchool.BankStatements;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// <c>POST /api/admin/v1/bank-statements</c>: a school's own program sends a statement file (the raw body,
/// or one or several files in a multipart form) with a manager API key; the answer is the import report,
/// or an RFC 7807 problem naming the line or element at fault. Sending the same file again is harmless:
/// its statements are recognised and no money moves twice.
/// </summary>
public static class BankStatementsApi
{
    public static void MapBankStatementsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/admin/v1/bank-statements", ImportAsync).RequireAuthorization(ManagerKeys.SchemeName).DisableAntiforgery().RequireModule(SchoolModule.BankStatements)
            .Produces<ImportAnswer[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Import one or several CODA or camt.053 statement files.");
    }

    /// <summary>A year of daily statements of a busy account is a few MB; above Kestrel's 30 MB default, with room.</summary>
    public const long MaxBodyBytes = 50 * 1024 * 1024;

    static async Task<IResult> ImportAsync(HttpContext context, BankImports imports, IStringLocalizer<BankText> T)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Problems.Problem(StatusCodes.Status413PayloadTooLarge, "body_too_large", T["Api.BodyTooLarge", MaxBodyBytes / 1024 / 1024]);
        }
        var key = context.ApiCaller<ManagerApiKey>();
        var actor = new Actor(ActorKind.ApiKey, key.Id.ToString(), key.Name);

        // Each file is spooled to a temporary file and read from there once per pass: memory stays flat.
        var files = new List<(string Name, string Path)>();
        try
        {
            // Only multipart is a form here: curl's --data-binary labels a raw file
            // application/x-www-form-urlencoded, and that body is the file itself.
            if (context.Request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true)
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted);
                foreach (var file in form.Files.Where(f => f.Length > 0))
                {
                    var path = Path.GetTempFileName();
                    await using (var target = File.Create(path))
                    {
                        await file.CopyToAsync(target, context.RequestAborted);
                    }
                    files.Add((Path.GetFileName(file.FileName), path));
                }
            }
            else
            {
                var path = Path.GetTempFileName();
                await using (var target = File.Create(path))
                {
                    await context.Request.Body.CopyToAsync(target, context.RequestAborted);
                }
                files.Add((context.Request.Headers["X-File-Name"].FirstOrDefault() ?? "api", path));
            }
            if (files.Count == 0 || files.All(f => new FileInfo(f.Path).Length == 0))
            {
                return Problems.Problem(StatusCodes.Status400BadRequest, "empty_body", T["Api.EmptyBody"]);
            }

            var answers = new List<ImportAnswer>();
            foreach (var (name, path) in files)
            {
                var report = await imports.ImportAsync(key.SchoolId, name, () => File.OpenRead(path), actor, context.RequestAborted);
                if (report.Status == ImportStatus.Rejected)
                {
                    return Problems.Problem(StatusCodes.Status422UnprocessableEntity, "invalid_statement", T["Api.InvalidStatement", name, T.Render(report.Problem!)],
                        [new("importId", report.Id), new("file", name)]);
                }
                answers.Add(new ImportAnswer(report.Id, report.FileName, report.Statements, report.Movements, report.Duplicates, report.Credited,
                    report.CreditedCents, report.InvoicesPaid, report.Unmatched));
            }
            return TypedResults.Ok(answers);
        }
        finally
        {
            foreach (var (_, path) in files)
            {
                File.Delete(path);
            }
        }
    }
}

public sealed record ImportAnswer(Guid ImportId, string FileName, int Statements, int Movements, int Duplicates, int Credited, long CreditedCents,
    int InvoicesPaid, int Unmatched);