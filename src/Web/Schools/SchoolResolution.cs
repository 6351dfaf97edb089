using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Schools;

/// <summary>
/// Every request resolves its school first: by the <c>/e/{slug}</c> path prefix (which then becomes the
/// request's PathBase, so every page and link works unchanged under it) or by the school's own host name.
/// </summary>
public static class SchoolResolution
{
    sealed record SchoolFeature(School School);

    public static School? School(this HttpContext context) => context.Features.Get<SchoolFeature>()?.School;

    /// <summary>
    /// The school's absolute address, for links in e-mails. With <c>ItSchool:PublicUrl</c> (required in
    /// production) it never comes from the request: a forged Host header on "mot de passe oublié" must not
    /// send a parent a link to someone else's site. Without it (demo mode on a laptop), the request's own.
    /// </summary>
    public static string SchoolUrl(this HttpContext context) => context.SchoolUrl(context.School()!);

    /// <summary>Any school's absolute address, as <see cref="SchoolUrl(HttpContext)"/> builds it (the operator's invitations).</summary>
    public static string SchoolUrl(this HttpContext context, School school)
    {
        if (context.RequestServices.GetRequiredService<InstallationSettings>().PublicAddress is { } installation)
        {
            return school.Host is { } host
                ? $"{installation.Scheme}://{host}"
                : $"{installation.GetLeftPart(UriPartial.Path).TrimEnd('/')}/e/{school.Slug}";
        }
        return context.School()?.Id == school.Id
            ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}"
            : $"{context.Request.Scheme}://{context.Request.Host}/e/{school.Slug}";
    }

    /// <summary>
    /// The group every school page and form hangs from: no school, no page; and no state change without
    /// the antiforgery token (see <see cref="Shell.FormProtection"/>).
    /// </summary>
    public static RouteGroupBuilder MapSchool(this WebApplication app) =>
        app.MapGroup("").RequireSchool().RequireAntiforgeryOnChanges();

    public static void AddSchools(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SchoolDirectory>();
    }

    public static void UseSchools(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var directory = context.RequestServices.GetRequiredService<SchoolDirectory>();
            var request = context.Request;
            School? school;
            if (request.Path.StartsWithSegments("/e", out var rest))
            {
                var slug = rest.Value?.Split('/', 3)[1] ?? "";
                school = slug.Length == 0 ? null : await directory.FindBySlugAsync(slug, context.RequestAborted);
                if (school is null)
                {
                    ErrorPages.UseRequestCulture(context);
                    await new RazorComponentResult<UnknownSchoolPage> { StatusCode = StatusCodes.Status404NotFound }
                        .ExecuteAsync(context);
                    return;
                }
                var prefix = "/" + slug;
                request.PathBase = request.PathBase.Add("/e" + prefix);
                request.Path = rest.Value!.Length > prefix.Length ? rest.Value[prefix.Length..] : "/";
            }
            else
            {
                school = await directory.FindByHostAsync(request.Host.Host, context.RequestAborted);
            }
            if (school is { Suspended: true })
            {
                // Nothing is deleted: the operator reopens the school and everything is there again.
                ErrorPages.UseRequestCulture(context);
                await new RazorComponentResult<SuspendedSchoolPage>(new { School = school }) { StatusCode = StatusCodes.Status403Forbidden }
                    .ExecuteAsync(context);
                return;
            }
            if (school is not null)
            {
                context.Features.Set(new SchoolFeature(school));
                context.LogSchool(school.Id);
            }
            await next(context);
        });
    }

    /// <summary>For endpoints that belong to a school: without one, the address is simply not found.</summary>
    public static TBuilder RequireSchool<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.School() is null ? Results.NotFound() : await next(context));
}