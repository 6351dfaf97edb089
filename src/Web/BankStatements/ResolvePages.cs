using ItSchool.BankStatements;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Npgsql;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// "À traiter": the movements no rule placed, with suggestions, and the three ways out — a pupil's
/// compartment, an invoice, or "not for ItSchool" with a reason.
/// </summary>
public static class ResolvePages
{
    public static void MapResolvePages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/releves/a-traiter", async (HttpContext context, MovementsToResolve toResolve) =>
            new RazorComponentResult<ToResolvePage>(new
            {
                Movements = await toResolve.ListAsync(context.School()!.Id, cancellationToken: context.RequestAborted),
            }));

        // The id is read leniently: anything but a movement of this school is "not found".
        manager.MapGet("/releves/a-traiter/{movementId}", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            NpgsqlDataSource db) => await OneAsync(context, toResolve, db, movementId, null));

        manager.MapPost("/releves/a-traiter/{movementId}/portefeuille", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            NpgsqlDataSource db, IStringLocalizer<BankText> T, [FromForm] AssignForm form) =>
        {
            var target = (form.Target ?? "").Split(':');
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : target.Length != 2 || !Guid.TryParse(target[0], out var pupil) || !int.TryParse(target[1], out var compartment)
                    ? ResolveProblem.UnknownCompartment
                    : await toResolve.AssignToCompartmentAsync(context.School()!.Id, id, pupil, compartment, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, db, movementId, problem, T);
        });

        manager.MapPost("/releves/a-traiter/{movementId}/facture", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            NpgsqlDataSource db, IStringLocalizer<BankText> T, [FromForm] InvoiceForm form) =>
        {
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : await toResolve.AssignToInvoiceAsync(context.School()!.Id, id, form.Communication, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, db, movementId, problem, T);
        });

        manager.MapPost("/releves/a-traiter/{movementId}/ecarter", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            NpgsqlDataSource db, IStringLocalizer<BankText> T, [FromForm] DismissForm form) =>
        {
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : await toResolve.MarkNotForUsAsync(context.School()!.Id, id, form.Reason, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, db, movementId, problem, T);
        });
    }

    static async Task<IResult> AnswerAsync(HttpContext context, MovementsToResolve toResolve, NpgsqlDataSource db, string movementId,
        ResolveProblem? problem, IStringLocalizer<BankText> T) =>
        problem switch
        {
            null => Flash.Redirect(context, "gestion/releves/a-traiter", "resolved"),
            ResolveProblem.NotFound => Results.NotFound(),
            _ => await OneAsync(context, toResolve, db, movementId, T[$"Resolve.Problem.{problem}"]),
        };

    static async Task<IResult> OneAsync(HttpContext context, MovementsToResolve toResolve, NpgsqlDataSource db, string movementId, string? problem)
    {
        var schoolId = context.School()!.Id;
        var movement = long.TryParse(movementId, out var id)
            ? await toResolve.FindAsync(schoolId, id, context.RequestAborted)
            : null;
        if (movement is null)
        {
            return problem is null ? Results.NotFound() : new RazorComponentResult<ToResolvePage>(new
            {
                Movements = await toResolve.ListAsync(schoolId, cancellationToken: context.RequestAborted),
                Problem = problem,
            });
        }
        return new RazorComponentResult<ResolveMovementPage>(new
        {
            Movement = movement,
            Targets = await TargetsAsync(db, schoolId, context.RequestAborted),
            Problem = problem,
        });
    }

    /// <summary>Every pupil's compartments, by class and name, for the "other destination" choice.</summary>
    static async Task<IReadOnlyList<(string Value, string Label)>> TargetsAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT p.id, w.compartment, p.class_name || ' · ' || p.last_name || ' ' || p.first_name || ' · ' || w.name
            FROM pupils p JOIN wallet_compartments w ON w.school_id = p.school_id
            WHERE p.school_id = @school ORDER BY p.class_name, p.last_name, p.first_name, w.compartment
            """);
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var targets = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            targets.Add(($"{reader.GetGuid(0)}:{reader.GetInt16(1)}", reader.GetString(2)));
        }
        return targets;
    }

    static Actor Actor(HttpContext context)
    {
        var user = SignedInUser.From(context.User)!;
        return new Actor(ActorKind.User, user.Id.ToString(), user.DisplayName);
    }

    public sealed class AssignForm
    {
        public string? Target { get; set; }
    }

    public sealed class InvoiceForm
    {
        public string? Communication { get; set; }
    }

    public sealed class DismissForm
    {
        public string? Reason { get; set; }
    }
}