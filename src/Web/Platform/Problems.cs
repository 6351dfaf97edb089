namespace ItSchool.Web.Platform;

/// <summary>
/// Every API error is an RFC 9457 problem written by ASP.NET Core's problem details service, with one
/// convention: a <c>code</c> a program branches on, a <c>type</c> made from that code
/// (<c>urn:itschool:problem:{code}</c>, stable across versions and languages), and a <c>title</c> in the
/// reader's language. Programs must read the code or the type, never the title.
/// </summary>
public static class Problems
{
    public static string TypeOf(string code) => $"urn:itschool:problem:{code}";

    public static void AddProblems(this WebApplicationBuilder builder) =>
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Problems written by the framework itself (a malformed route value, a validation failure) follow it too.
            if (context.ProblemDetails.Extensions.TryGetValue("code", out var code) && code is string text)
            {
                context.ProblemDetails.Type = TypeOf(text);
            }
        });

    public static ProblemHttpResult Problem(int status, string code, string title, IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Problem(title: title, statusCode: status, type: TypeOf(code),
            extensions: new Dictionary<string, object?>(extensions ?? []) { ["code"] = code });
}