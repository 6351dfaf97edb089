namespace ItSchool.Platform.Database;

public static class Search
{
    /// <summary>An ILIKE pattern that finds <paramref name="text"/> anywhere, with its own % and _ taken literally.</summary>
    public static string Contains(string text) =>
        "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}