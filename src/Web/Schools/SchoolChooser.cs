using ItSchool.Schools;

namespace ItSchool.Web.Schools;

public static class SchoolChooser
{
    /// <summary>
    /// The installation's root: inside a school it leads to the dashboard (or sign-in); on the bare
    /// address it lists the schools, since each school normally has its own address.
    /// </summary>
    public static void MapSchoolChooser(this WebApplication app)
    {
        app.MapGet("/", async Task<Results<RedirectHttpResult, RazorComponentResult<SchoolChooserPage>>> (
            HttpContext context, SchoolDirectory directory) =>
        {
            if (context.School() is not null)
            {
                return TypedResults.Redirect($"{context.Request.PathBase}/tableau-de-bord");
            }
            var schools = await directory.ListAsync(context.RequestAborted);
            return new RazorComponentResult<SchoolChooserPage>(new { Schools = schools });
        });
    }
}