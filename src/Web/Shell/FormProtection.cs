using Microsoft.AspNetCore.Antiforgery;

namespace ItSchool.Web.Shell;

/// <summary>
/// Every request that changes something must carry the antiforgery token (a form field, or the header htmx
/// sends). Minimal APIs check it only for form-bound handlers (a failure there is answered by Platform/Failures.cs,
/// the same way), so the school group checks it for all.
/// </summary>
public static class FormProtection
{
    public static RouteGroupBuilder RequireAntiforgeryOnChanges(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            {
                return await next(context);
            }
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            return await antiforgery.IsRequestValidAsync(http)
                ? await next(context)
                : ErrorPages.Answer(http, StatusCodes.Status400BadRequest, ErrorKind.Expired, "antiforgery_failed");
        });
}