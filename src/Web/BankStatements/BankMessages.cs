using ItSchool.BankStatements;
using ItSchool.Schools;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// Renders what the statement readers and the import keep as codes (<see cref="BankMessage"/>) in the reader's
/// language, from <c>BankText.resx</c>: the one place where a refused file's reason or a declined movement
/// becomes a sentence.
/// </summary>
public static class BankMessages
{
    public static string Render(this IStringLocalizer<BankText> texts, BankMessage message) =>
        texts[message.Code, message.Arguments.Select(a => Value(texts, a)).ToArray()];

    /// <summary>"ligne 4 : l'enregistrement fait 127 caractères au lieu de 128".</summary>
    public static string Render(this IStringLocalizer<BankText> texts, StatementProblem problem) =>
        problem.Where is { } where ? texts["Problem", texts.Render(where), texts.Render(problem.Reason)] : texts.Render(problem.Reason);

    static object Value(IStringLocalizer<BankText> texts, BankArgument argument) => argument switch
    {
        TextArgument text => text.Value,
        NumberArgument number => number.Value,
        CentsArgument cents => Money.Format(cents.Cents),
        DateArgument date => SchoolTime.Date(date.Date),
        TermArgument term => texts.Render(term.Term),
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, null),
    };
}