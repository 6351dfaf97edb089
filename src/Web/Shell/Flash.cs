using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Shell;

/// <summary>
/// A change's confirmation after its redirect (post, redirect, get): the address carries a code and counts,
/// never prose (<c>?ok=invitations&amp;n=3&amp;m=1</c>), and the page words it from its feature's texts
/// (<c>Notice.{code}</c>) in the reader's language, with <see cref="FlashNotice"/>. A code the feature does
/// not know shows nothing, so a forged link cannot put words in the school's mouth.
/// </summary>
public static class Flash
{
    public static RedirectHttpResult Redirect(HttpContext context, string page, string code, int? n = null, int? m = null) =>
        TypedResults.Redirect($"{context.Request.PathBase}/{Address(page, code, n, m)}");

    /// <summary>The page's address with the notice in its query, before any fragment (a browser keeps "#…" to itself).</summary>
    public static string Address(string page, string code, int? n = null, int? m = null)
    {
        var hash = page.IndexOf('#');
        var (path, fragment) = hash < 0 ? (page, "") : (page[..hash], page[hash..]);
        var separator = path.Contains('?') ? '&' : '?';
        var counts = (n is { } first ? $"&n={first}" : "") + (m is { } second ? $"&m={second}" : "");
        return $"{path}{separator}ok={Uri.EscapeDataString(code)}{counts}{fragment}";
    }

    /// <summary>The notice the address names, in <paramref name="texts"/>; null when it names none that they know.</summary>
    public static string? Message(IQueryCollection query, IStringLocalizer texts)
    {
        var code = query["ok"].ToString();
        if (code.Length is 0 or > 40 || code.Any(c => !char.IsAsciiLetterLower(c) && c != '-'))
        {
            return null;
        }
        var text = texts[$"Notice.{code}", Count(query["n"]), Count(query["m"])];
        return text.ResourceNotFound ? null : text.Value;
    }

    static int Count(string? value) => int.TryParse(value, out var count) && count >= 0 ? count : 0;
}