using System.Text.Json;
using ItSchool.PointOfSale;
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

    /// <summary>The API's answer: the done thing as JSON with <paramref name="status"/>, or the problem.</summary>
    public static IResult Http<T>(PosOutcome<T> outcome, int status, IStringLocalizer<PosText> P) where T : class =>
        outcome.Problem is { } problem
            ? Results.Content(problem.FirstName is null
                    ? ProblemJson(problem.Status, problem.Code, Title(problem, P))
                    : ProblemJson(problem.Status, problem.Code, Title(problem, P), ("availableCents", problem.AvailableCents), ("firstName", problem.FirstName)),
                "application/problem+json", statusCode: problem.Status)
            : Results.Content(JsonSerializer.Serialize(outcome.Done, Json), "application/json", statusCode: status);

    public static string ProblemJson(int status, string code, string title, params (string Name, object? Value)[] extensions)
    {
        var problem = new Dictionary<string, object?>
        {
            ["type"] = $"https://itschool.example/problems/pos/{code}",
            ["title"] = title,
            ["status"] = status,
            ["code"] = code,
        };
        foreach (var (name, value) in extensions)
        {
            problem[name] = value;
        }
        return JsonSerializer.Serialize(problem, Json);
    }
}