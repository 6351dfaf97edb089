using ItSchool.Accounts;
using ItSchool.Legal;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Legal;

/// <summary>
/// The school's two legal pages (open to everyone, signed in or not), the parent's acceptance of the terms,
/// and the manager's editing page for each text.
/// </summary>
public static class LegalPages
{
    public static void MapLegalPages(this RouteGroupBuilder school)
    {
        foreach (var kind in Enum.GetValues<LegalKind>())
        {
            school.MapGet("/" + LegalReading.Slug(kind), async (HttpContext context, LegalTexts texts, IStringLocalizer<LegalText> t) =>
                new RazorComponentResult<LegalPage>(new
                {
                    Reading = await LegalReading.ReadAsync(texts, t, context.School()!.Id, context.School()!.Name, kind, context.RequestAborted),
                })).AllowWithoutAcceptedTerms();

            var manager = school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager));
            manager.MapGet("/" + LegalReading.Slug(kind), async (HttpContext context, LegalTexts texts, IStringLocalizer<LegalText> t) =>
            {
                var current = await texts.CurrentAsync(context.School()!.Id, kind, context.RequestAborted);
                var shown = current?.Texts ?? LegalVersion.Languages.ToDictionary(l => l, l => LegalReading.DefaultIn(t, l, kind, context.School()!.Name));
                return await AdminPageAsync(context, texts, kind, current, shown, null);
            });
            manager.MapPost("/" + LegalReading.Slug(kind), async (HttpContext context, LegalTexts texts, TimeProvider clock, [FromForm] TextsForm form) =>
            {
                var schoolId = context.School()!.Id;
                var sent = form.Texts();
                var current = await texts.CurrentAsync(schoolId, kind, context.RequestAborted);
                var problem = sent.Count == 0 ? "Problem.Empty"
                    : sent.Values.Any(text => text.Length > LegalTexts.MaxLength) ? "Problem.TooLong"
                    : current is not null && Same(current.Texts, sent) ? "Problem.Unchanged"
                    : null;
                if (problem is not null)
                {
                    return await AdminPageAsync(context, texts, kind, current, sent, problem);
                }
                var version = await texts.PublishAsync(schoolId, kind, sent, SignedInUser.From(context.User)!.Id, clock.GetUtcNow(), context.RequestAborted);
                return Flash.Redirect(context, "gestion/" + LegalReading.Slug(kind), "published", version);
            });
        }

        school.MapGet("/" + TermsGate.AcceptPage, async (HttpContext context, LegalTexts texts, string? retour, bool? changed) =>
        {
            var user = SignedInUser.From(context.User)!;
            var school = context.School()!;
            if (await texts.TermsToAcceptAsync(school.Id, user.Id, context.RequestAborted) is null)
            {
                return Results.Redirect(ReturnTo(context, retour));
            }
            var version = (await texts.CurrentAsync(school.Id, LegalKind.Terms, context.RequestAborted))!;
            return new RazorComponentResult<AcceptTermsPage>(new
            {
                Version = version,
                Text = version.TextFor(System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName),
                SchoolName = school.Name,
                ReturnUrl = retour,
                Changed = changed == true,
            });
        }).RequireAuthorization(nameof(Role.Parent)).AllowWithoutAcceptedTerms();

        school.MapPost("/" + TermsGate.AcceptPage, async (HttpContext context, LegalTexts texts, TimeProvider clock, [FromForm] AcceptForm form) =>
        {
            var user = SignedInUser.From(context.User)!;
            var schoolId = context.School()!.Id;
            if (form.Version is { } version)
            {
                await texts.AcceptTermsAsync(schoolId, user.Id, version, clock.GetUtcNow(), context.RequestAborted);
            }
            // Accepting a version that was replaced meanwhile (or none) leaves the newest to read: back to the page, which says so.
            if (await texts.TermsToAcceptAsync(schoolId, user.Id, context.RequestAborted) is not null)
            {
                var back = string.IsNullOrEmpty(form.ReturnUrl) ? "" : $"&retour={Uri.EscapeDataString(form.ReturnUrl)}";
                return Results.Redirect($"{context.Request.PathBase}/{TermsGate.AcceptPage}?changed=true{back}");
            }
            return Results.Redirect(ReturnTo(context, form.ReturnUrl));
        }).RequireAuthorization(nameof(Role.Parent)).AllowWithoutAcceptedTerms();
    }

    static async Task<IResult> AdminPageAsync(HttpContext context, LegalTexts texts, LegalKind kind, LegalVersion? current,
        IReadOnlyDictionary<string, string> shown, string? problem) =>
        new RazorComponentResult<LegalAdminPage>(new
        {
            Kind = kind,
            Current = current,
            Texts = shown,
            History = await texts.HistoryAsync(context.School()!.Id, kind, context.RequestAborted),
            Problem = problem,
        });

    static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var text) && text == pair.Value);

    /// <summary>Where the parent was going (a path inside this school only), otherwise their dashboard.</summary>
    static string ReturnTo(HttpContext context, string? returnUrl)
    {
        var home = $"{context.Request.PathBase}/";
        return LocalUrl.IsInside(returnUrl, home) ? returnUrl! : home + "tableau-de-bord";
    }

    public sealed class TextsForm
    {
        public string? TextFr { get; set; }
        public string? TextNl { get; set; }
        public string? TextEn { get; set; }

        /// <summary>The languages written, each text trimmed and with the browser's line ends as "\n".</summary>
        public IReadOnlyDictionary<string, string> Texts()
        {
            var texts = new Dictionary<string, string>();
            foreach (var (language, text) in new[] { ("fr", TextFr), ("nl", TextNl), ("en", TextEn) })
            {
                if (text?.Replace("\r\n", "\n").Trim() is { Length: > 0 } written)
                {
                    texts[language] = written;
                }
            }
            return texts;
        }
    }

    public sealed class AcceptForm
    {
        public int? Version { get; set; }
        public string? ReturnUrl { get; set; }
    }
}