using ItSchool.Schools;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Schools;

/// <summary>
/// A feature declares its module once (<see cref="Shell.Feature.Module"/>): the shell puts <c>RequireModule</c> on the
/// group its pages are mapped in, and its APIs outside the school put it on their own group. In a school that switched the module off, its pages, fragments and hubs answer 404 as if they did not
/// exist, and its APIs a 403 problem with the code <c>module_disabled</c>. The school is the request's, or
/// for the key-authenticated APIs the key's (see <see cref="ApiKeys"/>): checked here, after authorization.
/// </summary>
public static class Modules
{
    sealed record ModuleRequirement(SchoolModule Module);

    public static TBuilder RequireModule<TBuilder>(this TBuilder builder, SchoolModule module) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ModuleRequirement(module));

    public static void UseModules(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            // An API's key names its school (and a key for another school than the address's got 401 already).
            var schoolId = IsApi(context) ? context.User.KeySchoolId() : context.School()?.Id;
            if (schoolId is { } id && await RefusalAsync(context, id) is { } refusal)
            {
                await refusal.ExecuteAsync(context);
                return;
            }
            await next(context);
        });

    /// <summary>
    /// Null when the school is open and has every module the endpoint requires; otherwise the answer to send.
    /// (Pages of a suspended school never get here: its address answers "suspended" before routing.)
    /// </summary>
    static async Task<IResult?> RefusalAsync(HttpContext context, Guid schoolId)
    {
        if (IsApi(context) && await context.RequestServices.GetRequiredService<SchoolDirectory>().FindByIdAsync(schoolId, context.RequestAborted)
            is null or { Suspended: true })
        {
            return Problems.Problem(StatusCodes.Status403Forbidden, "school_suspended", Text(context, "Api.SchoolSuspended"));
        }
        var required = context.GetEndpoint()?.Metadata.GetOrderedMetadata<ModuleRequirement>() ?? [];
        if (required.Count == 0)
        {
            return null;
        }
        var enabled = await context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(schoolId).GetEnabledModulesAsync();
        if (required.All(r => enabled.Contains(r.Module)))
        {
            return null;
        }
        return IsApi(context)
            ? Problems.Problem(StatusCodes.Status403Forbidden, "module_disabled", Text(context, "Api.ModuleDisabled"))
            : Results.NotFound();
    }

    static string Text(HttpContext context, string name) => context.RequestServices.GetRequiredService<IStringLocalizer<Ui>>()[name];

    static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");
}