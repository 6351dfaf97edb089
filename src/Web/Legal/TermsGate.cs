using Htmx;
using ItSchool.Accounts;
using ItSchool.Legal;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Legal;

/// <summary>
/// A parent who has not accepted the school's current terms meets them before any page of the school: every
/// request under the school's address goes to "conditions-utilisation/accepter" first, and comes back after.
/// Nothing is asked while the school has published no terms of its own (see <see cref="LegalFeature"/>).
/// Signing out and reading the legal pages stay open.
/// </summary>
public static class TermsGate
{
    sealed record TermsRequirement(bool Required);

    /// <summary>The terms this request's parent still had to accept when the session was checked, at the start of the request.</summary>
    sealed record TermsChecked(int? Version);

    internal static void Remember(HttpContext context, int? version) => context.Features.Set(new TermsChecked(version));

    static async Task<int?> ToAcceptAsync(HttpContext context, Guid schoolId, Guid userId) =>
        context.Features.Get<TermsChecked>() is { } done
            ? done.Version
            : await context.RequestServices.GetRequiredService<LegalTexts>().TermsToAcceptAsync(schoolId, userId, context.RequestAborted);

    public const string AcceptPage = "conditions-utilisation/accepter";

    /// <summary>Puts the requirement on a group of pages (the school's).</summary>
    public static TBuilder RequireAcceptedTerms<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TermsRequirement(true));

    /// <summary>Lifts it on one endpoint of such a group (the endpoint's metadata comes after the group's, and the last wins).</summary>
    public static TBuilder AllowWithoutAcceptedTerms<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TermsRequirement(false));

    public static void UseTermsAcceptance(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<TermsRequirement>() is { Required: true }
                && SignedInUser.From(context.User) is { Role: Role.Parent } user
                && context.School() is { } school
                && await ToAcceptAsync(context, school.Id, user.Id) is not null)
            {
                var home = $"{context.Request.PathBase}/";
                var back = HttpMethods.IsGet(context.Request.Method) && !context.Request.IsHtmx()
                    ? $"?retour={Uri.EscapeDataString(context.Request.PathBase + context.Request.Path + context.Request.QueryString)}"
                    : "";
                var target = home + AcceptPage + back;
                if (context.Request.IsHtmx())
                {
                    // A fragment must not swap the acceptance page in: htmx loads it as a whole page instead.
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    context.Response.Htmx(headers => headers.Redirect(target));
                }
                else
                {
                    context.Response.Redirect(target);
                }
                return;
            }
            await next(context);
        });
}