using ItSchool.Schools;
using ItSchool.Web.Platform;

namespace ItSchool.Web.Schools;

public static class SchoolChooser
{
    /// <summary>
    /// The installation's root: inside a school it leads to the dashboard (or sign-in); on the bare
    /// address it lists the schools when the installation says so (<c>ItSchool:ListSchools</c>, on in demo mode),
    /// and otherwise asks for the school's own link.
    /// </summary>
    public static void MapSchoolChooser(this WebApplication app)
    {
        app.MapGet("/", async Task<Results<RedirectHttpResult, RazorComponentResult<SchoolChooserPage>>> (
            HttpContext context, SchoolDirectory directory, InstallationSettings installation) =>
        {
            if (context.School() is not null)
            {
                return TypedResults.Redirect($"{context.Request.PathBase}/tableau-de-bord");
            }
            // Which schools an installation serves is its own business: listed only when it says so.
            var schools = installation.SchoolsListed
                ? (await directory.ListAsync(context.RequestAborted)).Where(s => !s.Suspended).ToList()
                : null;
            return new RazorComponentResult<SchoolChooserPage>(new { Schools = schools });
        });
    }
}