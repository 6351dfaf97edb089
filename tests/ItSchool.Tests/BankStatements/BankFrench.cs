using System.Globalization;
using ItSchool.BankStatements;
using ItSchool.Web.BankStatements;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ItSchool.Tests.BankStatements;

/// <summary>The readers' and the import's codes as a French-speaking manager reads them, through the web's one renderer.</summary>
static class BankFrench
{
    static readonly IStringLocalizer<BankText> Texts = new StringLocalizer<BankText>(
        new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));

    static readonly CultureInfo French = new("fr-BE");

    public static string Text(StatementProblem? problem) => problem is null ? "" : InFrench(() => Texts.Render(problem));

    public static string Text(BankMessage? message) => message is null ? "" : InFrench(() => Texts.Render(message));

    public static string WhereText(this StatementFormatException error) => Text(error.Problem.Where);

    public static string ReasonText(this StatementFormatException error) => Text(error.Problem.Reason);

    static string InFrench(Func<string> render)
    {
        var (culture, uiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = French;
        try
        {
            return render();
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, uiCulture);
        }
    }
}