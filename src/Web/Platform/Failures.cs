using System.Text.Json;
using ItSchool.Web.Shell;
using Npgsql;

namespace ItSchool.Web.Platform;

/// <summary>
/// Failures a visitor or the network can cause get an answer that says so, never a 500: odd input (a
/// malformed or oversized body, a NUL the database refuses) is a 4xx, PostgreSQL out of reach a 503 with
/// Retry-After, while the application's own bugs still surface as 500. APIs answer an RFC 7807 problem
/// with a <c>code</c>, as the POS API does; pages a short French page in the site's style. Every write is one
/// transaction, so a request cut short by the database leaves nothing half-written.
/// </summary>
public static class Failures
{
    public const int RetryAfterSeconds = 30;

    /// <summary>A body or form that does not bind throws (see below) instead of a bare 400 without a word.</summary>
    public static void AddFailures(this WebApplicationBuilder builder) =>
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

    public static void UseFailures(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Failures));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (!context.Response.HasStarted && Classify(e) is { } failure)
            {
                if (failure.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    logger.LogWarning("PostgreSQL is out of reach: {Method} {Path} answered 503 ({Reason})",
                        context.Request.Method, context.Request.Path, e.GetBaseException().Message);
                }
                await AnswerAsync(context, failure);
            }
        });
        // The site's own stylesheet and scripts at the root, before any school is looked up: a failure page
        // stays styled while the database is away.
        app.UseStaticFiles();
    }

    public sealed record Failure(int Status, string Code, string Kind, string Title);

    static Failure? Classify(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    return new(413, "body_too_large", "TooLarge", "Le corps de la requête est trop volumineux.");
                case BadHttpRequestException bad:
                    return new(bad.StatusCode, "bad_request", "BadRequest", "Requête incorrecte.");
                case JsonException:
                    return new(400, "malformed_json", "BadRequest", "Le corps de la requête n'est pas un JSON valable.");
                // A NUL or a character PostgreSQL cannot store: the input's fault, not the server's.
                case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                    return new(400, "invalid_characters", "BadRequest", "La requête contient des caractères non admis.");
                case NpgsqlException npgsql when npgsql is not PostgresException || npgsql.IsTransient:
                    return new(503, "database_unavailable", "Unavailable", "Service momentanément indisponible : réessayez dans un instant.");
            }
        }
        return null;
    }

    static async Task AnswerAsync(HttpContext context, Failure failure)
    {
        context.Response.Clear();
        context.Response.StatusCode = failure.Status;
        if (failure.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (IsApi(context.Request))
        {
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "about:blank",
                ["title"] = failure.Title,
                ["status"] = failure.Status,
                ["code"] = failure.Code,
            }));
            return;
        }
        await new RazorComponentResult<FailurePage>(new { failure.Kind }) { StatusCode = failure.Status }.ExecuteAsync(context);
    }

    // Before the school is resolved the path still holds its /e/{slug} prefix.
    static bool IsApi(HttpRequest request)
    {
        var segments = (request.PathBase + request.Path).Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return segments is ["api", ..] or ["e", _, "api", ..];
    }
}