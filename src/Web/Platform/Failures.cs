using System.Globalization;
using System.Text.Json;
using ItSchool.Platform.Orleans;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Antiforgery;
using Npgsql;

namespace ItSchool.Web.Platform;

/// <summary>
/// Failures a visitor or the network can cause get an answer that says so, never a 500: odd input (a
/// malformed or oversized body, a NUL the database refuses) is a 4xx, PostgreSQL, the grain's silo or an outside
/// provider out of reach a 503 with Retry-After, while the application's own bugs are a 500, logged. Each is answered as every error is
/// (<see cref="ErrorPages"/>): APIs an RFC 7807 problem with a <c>code</c>, pages a page in the reader's language. Every write is
/// one transaction, so a request cut short by the database leaves nothing half-written.
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
            // A visitor who went away is no failure: nobody is left to answer.
            catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                var failure = Classify(e);
                if (failure.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    logger.LogWarning("{Method} {Path} answered 503 {Code} ({Reason})",
                        context.Request.Method, context.Request.Path, failure.Code, e.GetBaseException().Message);
                }
                else if (failure.Status >= 500)
                {
                    // Our own bug: the log gets everything, the visitor a page that names none of it.
                    logger.LogError(e, "{Method} {PathBase}{Path} failed", context.Request.Method, context.Request.PathBase, context.Request.Path);
                }
                context.Response.Clear();
                if (failure.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    context.Response.Headers.RetryAfter = failure.RetryAfter.ToString(CultureInfo.InvariantCulture);
                }
                await ErrorPages.Answer(context, failure.Status, failure.Kind, failure.Code).ExecuteAsync(context);
            }
        });
        // The site's own stylesheet and scripts at the root, before any school is looked up: a failure page
        // stays styled while the database is away.
        app.UseStaticFiles();
    }

    sealed record Failure(int Status, ErrorKind Kind, string Code, int RetryAfter = RetryAfterSeconds);

    /// <summary>
    /// A silo that died with the request's grain call: the cluster moves the grain within seconds, and every call that
    /// writes is idempotent, so the caller is told to try again soon.
    /// </summary>
    const int ClusterRetryAfterSeconds = 2;

    static Failure Classify(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                    return new(413, ErrorKind.TooLarge, "body_too_large");
                // A form bound without its valid antiforgery token: most often a page left open until its token
                // expired. (A form that cannot be read at all, with a NUL in it, is a bad request instead.)
                case BadHttpRequestException { InnerException: AntiforgeryValidationException { InnerException: not InvalidDataException } }:
                    return new(400, ErrorKind.Expired, "antiforgery_failed");
                case BadHttpRequestException bad:
                    return new(bad.StatusCode, ErrorKind.BadRequest, "bad_request");
                case JsonException:
                    return new(400, ErrorKind.BadRequest, "malformed_json");
                // A NUL or a character PostgreSQL cannot store: the input's fault, not the server's.
                case PostgresException { SqlState: PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter }:
                    return new(400, ErrorKind.BadRequest, "invalid_characters");
                case NpgsqlException npgsql when npgsql is not PostgresException || npgsql.IsTransient:
                    return new(503, ErrorKind.Unavailable, "database_unavailable");
                // Said by a grain (DatabaseFailures), or a grain's activation that failed on PostgreSQL: its exception
                // crossed the wire without its SQLSTATE, and an activation's only statements are reads.
                case DatabaseUnavailableException or PostgresException { SqlState: null }:
                    return new(503, ErrorKind.Unavailable, "database_unavailable");
                // A service outside (the payment provider, an identity provider) down or too slow: not our bug, and a retry
                // later may well pass. Its 4xx stay ours to fix.
                case HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError }:
                case TaskCanceledException { InnerException: TimeoutException }:
                    return new(503, ErrorKind.Unavailable, "provider_unavailable");
                case SiloUnavailableException or OrleansMessageRejectionException or TimeoutException:
                    return new(503, ErrorKind.Unavailable, "cluster_unavailable", ClusterRetryAfterSeconds);
            }
        }
        return new(500, ErrorKind.Internal, "internal_error");
    }
}