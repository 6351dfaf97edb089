namespace ItSchool.Web.Platform;

/// <summary>
/// The demo school's terminal and manager API keys are printed in the README: outside demo mode they open
/// nothing, even if a row (an old demo database put in production, a restored dump) still holds them.
/// </summary>
public static class DemoKeys
{
    static readonly string[] Prefixes = ["itsk_demo_", "itsm_demo_"];

    public static bool IsRefusedDemoKey(this HttpContext context, string? key) =>
        key is not null && Prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal))
        && !context.RequestServices.GetRequiredService<InstallationSettings>().Demo;
}