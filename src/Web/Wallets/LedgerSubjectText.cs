using System.Globalization;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Wallets;

/// <summary>
/// The one way a ledger entry's subject becomes words, in the reader's language: every page, fragment and
/// export that shows a ledger line asks here.
/// </summary>
public static class LedgerSubjectText
{
    /// <summary>A sale of many articles is cut here, as "Opérations financières" always showed it.</summary>
    const int MaxSaleLength = 200;

    public static string Of(LedgerSubject subject, IStringLocalizer<Ui> T)
    {
        var arguments = subject.Arguments;
        return subject.Code switch
        {
            SubjectCode.Verbatim => arguments.Count > 0 ? arguments[0] : "",
            SubjectCode.Sale or SubjectCode.SaleVoid => Clip(T[$"Subject.{subject.Code}", Articles(subject, T)]),
            SubjectCode.MealReservation or SubjectCode.MealCancellation =>
                T[$"Subject.{subject.Code}", arguments[0], Day(arguments[1])],
            _ => T[$"Subject.{subject.Code}", [.. arguments]],
        };
    }

    static string Articles(LedgerSubject subject, IStringLocalizer<Ui> T) =>
        string.Join(T["Subject.Separator"].Value, subject.SaleLines().Select(line =>
            line.Quantity == 1 ? line.Label : T["Subject.SaleLine", line.Label, line.Quantity].Value));

    static string Day(string isoDay) =>
        DateOnly.TryParseExact(isoDay, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? SchoolTime.Date(day)
            : isoDay;

    static string Clip(string text) => text.Length > MaxSaleLength ? text[..(MaxSaleLength - 1)] + "…" : text;
}