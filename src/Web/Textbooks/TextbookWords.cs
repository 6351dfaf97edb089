using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Textbooks;

/// <summary>How the pages word the textbooks' codes, and the words an invoice keeps, in the school's language.</summary>
public static class TextbookWords
{
    /// <summary>An invoice's label and lines are written once, in the school's language, whoever's click issued it.</summary>
    public static async Task<TextbookInvoiceWords> InvoiceAsync(IStringLocalizer<TextbookText> T, LanguageDirectory languages, Guid schoolId,
        CancellationToken cancellationToken)
    {
        var school = (await languages.RecipientsAsync(schoolId, cancellationToken)).OfSchool(schoolId);
        using var language = Cultures.Use(school);
        return new TextbookInvoiceWords(T["Invoice.Label"], T["Invoice.Rental"], T["Invoice.Deposit"], T["Invoice.DepositReturned"]);
    }

    /// <summary>"Manuels scolaires 6A · 2026-2027".</summary>
    public static string Title(IStringLocalizer<TextbookText> T, TextbookList list) => T["List.Title", list.ClassName, list.Year];

    public static string Choice(IStringLocalizer<TextbookText> T, TextbookChoice choice) => T[$"Choice.{choice}"];

    public static string Form(TextbookChoice choice) => ItSchool.Wallets.LedgerNames.ToDatabase(choice);

    public static TextbookChoice? Parse(string? value) => value switch
    {
        "order" => TextbookChoice.Order,
        "owned" => TextbookChoice.Owned,
        "not_needed" => TextbookChoice.NotNeeded,
        _ => null,
    };
}