using System.Text.Json;
using ItSchool.PointOfSale;
using ItSchool.Web.Platform;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.PointOfSale;

/// <summary>
/// How the point of sale's answers reach people and terminals: a refusal's title in the reader's language
/// (the till and the API alike), and the API's JSON bodies.
/// </summary>
public static class PosAnswers
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The refusal in words; the fields every title may use are, in order: line, article, available, first name, reason.</summary>
    public static string Title(PosProblem problem, IStringLocalizer<PosText> P) =>
        P[$"Problem.{problem.MessageKey}", problem.Line ?? 0, problem.Article ?? "", Money.Format(problem.AvailableCents ?? 0),
            problem.FirstName ?? "", problem.Reason ?? ""];

    /// <summary>The API's answer: the done thing as JSON with <paramref name="status"/>, or the problem (<see cref="Problems"/>).</summary>
    public static IResult Http<T>(PosOutcome<T> outcome, int status, IStringLocalizer<PosText> P) where T : class =>
        outcome.Problem is { } problem
            ? Problems.Problem(problem.Status, problem.Code, Title(problem, P), Fields(problem))
            : Results.Content(JsonSerializer.Serialize(outcome.Done, Json), "application/json", statusCode: status);

    /// <summary>What a terminal may show beside the code: the pupil's name and the money left, and which limit was reached.</summary>
    static IEnumerable<KeyValuePair<string, object?>>? Fields(PosProblem problem) =>
        problem.FirstName is null ? null
        : problem.Code == "limit_exceeded" ? [new("availableCents", problem.AvailableCents), new("firstName", problem.FirstName), new("period", problem.Reason)]
        : [new("availableCents", problem.AvailableCents), new("firstName", problem.FirstName)];
}