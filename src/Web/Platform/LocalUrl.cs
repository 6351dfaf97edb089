namespace ItSchool.Web.Platform;

/// <summary>
/// The one test for an address taken from the request (a sign-in's <c>ReturnUrl</c>) before redirecting
/// to it: a path on this site (Url.IsLocalUrl's rules), inside the school's own address, with nothing a
/// browser would read differently from the server ("//evil", "/\evil", "/\t/evil" all leave the site).
/// </summary>
public static class LocalUrl
{
    public static bool IsInside(string? url, string home)
    {
        if (string.IsNullOrEmpty(url) || !url.StartsWith(home, StringComparison.Ordinal) || !home.StartsWith('/'))
        {
            return false;
        }
        // Decoded once more as well: a browser or a proxy on the way may decode "%09" or "%5C" before reading it.
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(url);
        }
        catch (UriFormatException)
        {
            return false;
        }
        return IsPlainLocalPath(url) && IsPlainLocalPath(decoded);
    }

    static bool IsPlainLocalPath(string url) =>
        url.StartsWith('/')
        && !(url.Length > 1 && url[1] is '/' or '\\')
        && !url.Any(c => char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c))
        && !url.Split('/', '?', '#').Any(segment => segment is "." or "..");
}