using Htmx;

namespace ItSchool.Web.Shell;

/// <summary>
/// Pages that answer both ways: htmx's own swaps get the fragment, every other request the whole page. A
/// history restore is htmx too (it sends <c>HX-Request</c> when the back button misses its cache) but puts
/// the answer in place of the whole body: it gets the page with its layout. <c>Vary: HX-Request</c> keeps a
/// browser's or a proxy's cache from giving one answer for the other.
/// </summary>
public static class HtmxAnswers
{
    /// <summary>True when the answer replaces part of a page; false for a full page (browser, boosted link, history restore).</summary>
    public static bool WantsFragment(this HttpRequest request) => request.IsHtmxNonBoosted() && !request.IsHtmxHistoryRestoreRequest();

    public static IResult PageOrFragment<TPage, TFragment>(this HttpContext context, object page, object? fragment = null)
        where TPage : Microsoft.AspNetCore.Components.IComponent where TFragment : Microsoft.AspNetCore.Components.IComponent
    {
        context.Response.Htmx(headers => headers.WithVary());
        return context.Request.WantsFragment()
            ? new RazorComponentResult<TFragment>(fragment ?? page)
            : new RazorComponentResult<TPage>(page);
    }

    /// <summary>htmx follows <c>HX-Redirect</c> with a full navigation; any other request gets an ordinary redirect.</summary>
    public static IResult RedirectTo(this HttpContext context, string url)
    {
        if (!context.Request.IsHtmx())
        {
            return Results.Redirect(url);
        }
        context.Response.Htmx(headers => headers.Redirect(url));
        return Results.NoContent();
    }
}