using System.Globalization;
using System.Text;
using Htmx;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Shell;

/// <summary>What went wrong, as a person reads it: the <c>Failure.{kind}</c> texts of Ui.resx.</summary>
public enum ErrorKind { NotFound, Forbidden, BadRequest, Expired, TooLarge, TooManyRequests, Refused, Internal, Unavailable }

/// <summary>
/// Every error answer says what happened, in one place: an API gets an RFC 7807 problem with a <c>code</c>;
/// htmx gets one plain-text sentence, which site.js shows in the page (htmx swaps no error); a browser gets
/// the <see cref="ErrorPage"/> in their language with the way back. Answers that already have a body (a form shown again
/// with its messages), or deliberately none (htmx instructions in HX-* headers, SignalR), keep theirs.
/// </summary>
public static class ErrorPages
{
    /// <summary>Fills in the error answers that came back without a body: unknown addresses, refusals, rate limits.</summary>
    public static void UseErrorPages(this WebApplication app) =>
        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            if (context.Response.Headers.Keys.Any(name => name.StartsWith("HX-", StringComparison.OrdinalIgnoreCase))
                || context.GetEndpoint()?.Metadata.GetMetadata<HubMetadata>() is not null)
            {
                return;
            }
            // The request's culture was set inside the middleware that chose it; this answer is written after it returned.
            var culture = context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? SchoolTime.Culture;
            using (Cultures.Use(culture))
            {
                await Answer(context, context.Response.StatusCode).ExecuteAsync(context);
            }
        });

    /// <param name="code">For APIs; by default the status's own name (<c>not_found</c>, <c>too_many_requests</c>).</param>
    public static IResult Answer(HttpContext context, int status, ErrorKind? kind = null, string? code = null)
    {
        var what = kind ?? KindOf(status);
        UseRequestCulture(context);
        var T = context.RequestServices.GetRequiredService<IStringLocalizer<Ui>>();
        var wait = Wait(context.Response, T);
        if (IsApi(context.Request))
        {
            return Problems.Problem(status, code ?? CodeOf(status), T[$"Failure.{what}"].Value);
        }
        if (context.Request.IsHtmx())
        {
            var sentence = T[$"Failure.{what}.Inline"].Value;
            return Results.Text(wait is null ? sentence : $"{sentence} {T["Failure.RetryIn", wait]}", "text/plain", Encoding.UTF8, status);
        }
        var school = context.School();
        return new RazorComponentResult<ErrorPage>(new
        {
            Kind = what,
            Status = status,
            Wait = wait,
            School = school,
            // The school's pages all lead from its dashboard (or its sign-in); outside a school, the installation's root.
            Home = school is null ? "/" : $"{context.Request.PathBase}/tableau-de-bord",
        })
        { StatusCode = status };
    }

    /// <summary>
    /// The error answers run outside the request localization (further in, its culture does not flow back out),
    /// and the unknown or suspended school's pages before it: they read the culture it left on the request,
    /// or the school default when it has not run yet.
    /// </summary>
    public static void UseRequestCulture(HttpContext context)
    {
        var chosen = context.Features.Get<IRequestCultureFeature>()?.RequestCulture ?? Languages.BeforeResolution(context.Request);
        CultureInfo.CurrentCulture = chosen.Culture;
        CultureInfo.CurrentUICulture = chosen.UICulture;
    }

    /// <summary>APIs answer problems, never pages. Before the school is resolved the path still holds its /e/{slug} prefix.</summary>
    static bool IsApi(HttpRequest request)
    {
        var segments = (request.PathBase + request.Path).Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments is ["api", ..] or ["e", _, "api", ..];
    }

    static ErrorKind KindOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ErrorKind.BadRequest,
        StatusCodes.Status403Forbidden => ErrorKind.Forbidden,
        StatusCodes.Status404NotFound or StatusCodes.Status410Gone => ErrorKind.NotFound,
        StatusCodes.Status413PayloadTooLarge => ErrorKind.TooLarge,
        StatusCodes.Status429TooManyRequests => ErrorKind.TooManyRequests,
        StatusCodes.Status503ServiceUnavailable => ErrorKind.Unavailable,
        < 500 => ErrorKind.Refused,
        _ => ErrorKind.Internal,
    };

    static string CodeOf(int status) =>
        ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase
            ? phrase.ToLowerInvariant().Replace(' ', '_')
            : $"http_{status}";

    /// <summary>"45 secondes", "2 minutes": when to try again, from the Retry-After header (in seconds) the answer carries.</summary>
    static string? Wait(HttpResponse response, IStringLocalizer<Ui> T)
    {
        if (!int.TryParse(response.Headers.RetryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return null;
        }
        if (seconds <= 90)
        {
            return seconds <= 1 ? T["Failure.Wait.Second"] : T["Failure.Wait.Seconds", seconds];
        }
        var minutes = (seconds + 59) / 60;
        return T["Failure.Wait.Minutes", minutes];
    }
}