using System.Globalization;

namespace ItSchool.Web.Shell;

/// <summary>
/// Writes in another culture for a while: a mail in its recipient's language, composed during a manager's
/// request or a background job. Texts (IStringLocalizer), dates and amounts read the current culture.
/// </summary>
public static class Cultures
{
    public static IDisposable Use(CultureInfo culture)
    {
        var (before, beforeUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        return new Restore(before, beforeUi);
    }

    sealed class Restore(CultureInfo culture, CultureInfo uiCulture) : IDisposable
    {
        public void Dispose()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }
}