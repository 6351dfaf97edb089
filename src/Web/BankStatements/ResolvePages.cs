using ItSchool.BankStatements;
using ItSchool.Platform.Database;
using ItSchool.Wallets;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// "À traiter": the movements no rule placed, with suggestions, and the three ways out — a pupil's
/// compartment, an invoice, or "not for ItSchool" with a reason.
/// </summary>
public static class ResolvePages
{
    public static void MapResolvePages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/releves/a-traiter", async (HttpContext context, MovementsToResolve toResolve, string? page) =>
            new RazorComponentResult<ToResolvePage>(new
            {
                Movements = await toResolve.PageAsync(context.School()!.Id, PageRequest.Parse(page), context.RequestAborted),
            }));

        // The id is read leniently: anything but a movement of this school is "not found".
        manager.MapGet("/releves/a-traiter/{movementId}", async (string movementId, HttpContext context, MovementsToResolve toResolve) =>
            await OneAsync(context, toResolve, movementId, null));

        manager.MapPost("/releves/a-traiter/{movementId}/portefeuille", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            IStringLocalizer<BankText> T, [FromForm] AssignForm form) =>
        {
            var target = (form.Target ?? "").Split(':');
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : target.Length != 2 || !Guid.TryParse(target[0], out var pupil) || !int.TryParse(target[1], out var compartment)
                    ? ResolveProblem.UnknownCompartment
                    : await toResolve.AssignToCompartmentAsync(context.School()!.Id, id, pupil, compartment, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, movementId, problem, T);
        });

        manager.MapPost("/releves/a-traiter/{movementId}/facture", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            IStringLocalizer<BankText> T, [FromForm] InvoiceForm form) =>
        {
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : await toResolve.AssignToInvoiceAsync(context.School()!.Id, id, form.Communication, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, movementId, problem, T);
        });

        manager.MapPost("/releves/a-traiter/{movementId}/ecarter", async (string movementId, HttpContext context, MovementsToResolve toResolve,
            IStringLocalizer<BankText> T, [FromForm] DismissForm form) =>
        {
            ResolveProblem? problem = !long.TryParse(movementId, out var id)
                ? ResolveProblem.NotFound
                : await toResolve.MarkNotForUsAsync(context.School()!.Id, id, form.Reason, Actor(context), context.RequestAborted);
            return await AnswerAsync(context, toResolve, movementId, problem, T);
        });
    }

    static async Task<IResult> AnswerAsync(HttpContext context, MovementsToResolve toResolve, string movementId,
        ResolveProblem? problem, IStringLocalizer<BankText> T) =>
        problem switch
        {
            null => Flash.Redirect(context, "gestion/releves/a-traiter", "resolved"),
            ResolveProblem.NotFound => Results.NotFound(),
            _ => await OneAsync(context, toResolve, movementId, T[$"Resolve.Problem.{problem}"]),
        };

    static async Task<IResult> OneAsync(HttpContext context, MovementsToResolve toResolve, string movementId, string? problem)
    {
        var schoolId = context.School()!.Id;
        var movement = long.TryParse(movementId, out var id)
            ? await toResolve.FindAsync(schoolId, id, context.RequestAborted)
            : null;
        if (movement is null)
        {
            return problem is null ? Results.NotFound() : new RazorComponentResult<ToResolvePage>(new
            {
                Movements = await toResolve.PageAsync(schoolId, PageRequest.First, context.RequestAborted),
                Problem = problem,
            });
        }
        return new RazorComponentResult<ResolveMovementPage>(new
        {
            Movement = movement,
            Targets = (await toResolve.DestinationsAsync(schoolId, context.RequestAborted))
                .Select(d => (Value: $"{d.PupilId}:{d.Compartment}", d.Label)).ToList(),
            Problem = problem,
        });
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