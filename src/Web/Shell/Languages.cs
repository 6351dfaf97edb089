using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Shell;

/// <summary>
/// Which language a request is read in, first answer wins: an explicit choice (<c>?culture=</c>, or the
/// chooser's cookie, which a signed-out person sets on the sign-in page), the signed-in person's own language
/// (a claim of the session cookie: no query per page), the school's, the browser's Accept-Language, fr-BE.
/// Runs after authentication, so that the person is known.
/// </summary>
public static class Languages
{
    /// <summary>The chooser's cookie: ASP.NET Core's own, so that its cookie provider reads it.</summary>
    public static readonly string ChoiceCookie = CookieRequestCultureProvider.DefaultCookieName;

    /// <summary>
    /// The page's <c>&lt;html lang&gt;</c>: the culture its texts are in. Outside a request's culture (an error page
    /// written after the request's middleware returned) that is the neutral resources', French.
    /// </summary>
    public static string HtmlLang => LanguageDirectory.Supported(CultureInfo.CurrentUICulture.Name)?.Name ?? SchoolTime.Culture.Name;

    public static void UseLanguages(this WebApplication app)
    {
        var options = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(SchoolTime.Culture),
            SupportedCultures = [.. SchoolTime.Cultures],
            SupportedUICultures = [.. SchoolTime.Cultures],
        };
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider(),
            new CookieRequestCultureProvider { CookieName = ChoiceCookie },
            new CustomRequestCultureProvider(context => Task.FromResult(Result(SignedInUser.From(context.User)?.Language))),
            new CustomRequestCultureProvider(context => Task.FromResult(Result(context.School()?.Language))),
            new CustomRequestCultureProvider(context => Task.FromResult(BrowserLanguage(context.Request))),
        ];
        app.UseRequestLocalization(options);
    }

    /// <summary>
    /// The browser's first language we write, by language rather than country: "nl-NL" or "nl" reads nl-BE, "en-GB"
    /// reads en-BE (ASP.NET Core's own provider would only accept the exact Belgian cultures).
    /// </summary>
    static ProviderCultureResult? BrowserLanguage(HttpRequest request)
    {
        var asked = request.GetTypedHeaders().AcceptLanguage.Where(value => value.Quality is not <= 0)
            .OrderByDescending(value => value.Quality ?? 1);
        foreach (var value in asked)
        {
            var language = value.Value.Value?.Split('-')[0];
            if (SchoolTime.Cultures.FirstOrDefault(c => string.Equals(c.TwoLetterISOLanguageName, language, StringComparison.OrdinalIgnoreCase)) is { } culture)
            {
                return new ProviderCultureResult(culture.Name);
            }
        }
        return null;
    }

    /// <summary>
    /// The language of a page answered before the request's language is read (an unknown school: none of its own): an
    /// explicit choice (<c>?culture=</c>, the chooser's cookie), else the browser's, else French.
    /// </summary>
    public static RequestCulture BeforeResolution(HttpRequest request)
    {
        var chosen = request.Cookies[ChoiceCookie] is { } cookie ? CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures.FirstOrDefault().Value : null;
        var name = LanguageDirectory.Supported(request.Query["culture"])?.Name ?? LanguageDirectory.Supported(chosen)?.Name
            ?? BrowserLanguage(request)?.UICultures[0].Value ?? SchoolTime.Culture.Name;
        return new RequestCulture(CultureInfo.GetCultureInfo(name));
    }

    static ProviderCultureResult? Result(string? language) =>
        LanguageDirectory.Supported(language) is { } culture ? new ProviderCultureResult(culture.Name) : null;

    /// <summary>
    /// The chooser on the sign-in page (its choice lives in a cookie for a year) and the person's own setting in
    /// "Mon accès" (stored with the account, and in the session cookie at once).
    /// </summary>
    public static void MapLanguages(this RouteGroupBuilder school)
    {
        school.MapPost("/langue", (HttpContext context, [FromForm] ChoiceForm form) =>
        {
            if (LanguageDirectory.Supported(form.Language) is not { } culture)
            {
                return Results.BadRequest();
            }
            Choose(context, culture);
            var home = $"{context.Request.PathBase}/";
            return Results.Redirect(LocalUrl.IsInside(form.ReturnUrl, home) ? form.ReturnUrl! : home + "connexion");
        });

        school.MapPost("/mon-acces/langue", async (HttpContext context, LanguageDirectory languages, AccountDirectory accounts,
            GuardianLinks pupils, [FromForm] ChoiceForm form) =>
        {
            var user = SignedInUser.From(context.User)!;
            // An empty choice goes back to the school's language.
            var language = string.IsNullOrEmpty(form.Language) ? null : form.Language;
            if (!await languages.SetUserLanguageAsync(user.SchoolId, user.Id, language, context.RequestAborted)
                || await accounts.FindAsync(user.SchoolId, user.Id, context.RequestAborted) is not { } account)
            {
                return Results.BadRequest();
            }
            var pupil = user.PupilId is { } pupilId
                ? (await pupils.ChildrenOfAsync(user.SchoolId, user.Id, context.RequestAborted)).FirstOrDefault(p => p.Id == pupilId)
                : null;
            await Sessions.RenewAsync(context, account, pupil);
            // The person's setting now speaks for them: a choice made signed out on this browser would hide it.
            context.Response.Cookies.Delete(ChoiceCookie, new CookieOptions { Path = "/" });
            return (IResult)Flash.Redirect(context, "mon-acces", "language-saved");
        }).RequireAuthorization();
    }

    public static void Choose(HttpContext context, CultureInfo culture) =>
        context.Response.Cookies.Append(ChoiceCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Path = "/",
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });

    /// <summary>The chooser's and the setting's form.</summary>
    public sealed class ChoiceForm
    {
        public string? Language { get; set; }
        public string? ReturnUrl { get; set; }
    }
}