using ItSchool.Accounts;
using ItSchool.Live;
using ItSchool.Platform.Database;
using ItSchool.Pupils;
using ItSchool.Web.Schools;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Management;

/// <summary>"Élèves": the list by class, a new pupil, and a pupil's page with their guardians.</summary>
public static class PupilPages
{
    public static void MapPupilPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/eleves", async (HttpContext context, PupilRegistry registry, string? classe, string? page) =>
        {
            var schoolId = context.School()!.Id;
            return new RazorComponentResult<PupilListPage>(new
            {
                Pupils = await registry.PageAsync(schoolId, classe, PageRequest.Parse(page), context.RequestAborted),
                Classes = await registry.ClassesAsync(schoolId, context.RequestAborted),
                ClassName = classe,
            });
        });

        manager.MapGet("/eleves/nouveau", async (HttpContext context, PupilRegistry registry) =>
            new RazorComponentResult<NewPupilPage>(new
            {
                Classes = await registry.ClassesAsync(context.School()!.Id, context.RequestAborted),
            }));

        manager.MapPost("/eleves/nouveau", async (HttpContext context, PupilRegistry registry, [FromForm] PupilForm? form) =>
        {
            form ??= new();
            var schoolId = context.School()!.Id;
            var (pupilId, problem) = await registry.AddAsync(schoolId, form.Details, context.RequestAborted);
            return pupilId is { } id
                ? (IResult)ManagementFeature.Done(context, $"gestion/eleves/{id}", "eleve-cree")
                : new RazorComponentResult<NewPupilPage>(new
                {
                    Classes = await registry.ClassesAsync(schoolId, context.RequestAborted),
                    Details = form.Details,
                    Problem = problem,
                });
        });

        manager.MapGet("/eleves/{id:guid}", async (Guid id, HttpContext context, PupilRegistry registry) =>
            await PupilPageAsync(context, registry, id, new { }));

        manager.MapPost("/eleves/{id:guid}", async (Guid id, HttpContext context, PupilRegistry registry, [FromForm] PupilForm? form) =>
        {
            form ??= new();
            var problem = await registry.UpdateAsync(context.School()!.Id, id, form.Details, context.RequestAborted);
            return problem switch
            {
                null => ManagementFeature.Done(context, $"gestion/eleves/{id}", "eleve-enregistre"),
                PupilProblem.NotFound => Results.NotFound(),
                _ => await PupilPageAsync(context, registry, id, new { Details = form.Details, Problem = problem }),
            };
        });

        manager.MapPost("/eleves/{id:guid}/parents", async (Guid id, HttpContext context, PupilRegistry registry,
            [FromForm(Name = "Login")] string? login) =>
        {
            var problem = await registry.LinkGuardianAsync(context.School()!.Id, id, login ?? "", context.RequestAborted);
            return problem switch
            {
                null => ManagementFeature.Done(context, $"gestion/eleves/{id}", "parent-lie"),
                GuardianProblem.PupilNotFound => Results.NotFound(),
                _ => await PupilPageAsync(context, registry, id, new { LinkLogin = login, GuardianProblem = problem }),
            };
        });

        manager.MapPost("/eleves/{id:guid}/parents/nouveau", async (Guid id, HttpContext context, PupilRegistry registry,
            [FromForm] ParentPages.ParentForm? form) =>
        {
            form ??= new();
            var schoolId = context.School()!.Id;
            if (await registry.FindAsync(schoolId, id, context.RequestAborted) is null)
            {
                return Results.NotFound();
            }
            var (_, problem) = await registry.AddGuardianAsync(schoolId, id, form.Parent, context.RequestAborted);
            return problem is null
                ? ManagementFeature.Done(context, $"gestion/eleves/{id}", "parent-ajoute")
                : await PupilPageAsync(context, registry, id, new { NewParent = form.Parent, ParentProblem = problem });
        });

        manager.MapPost("/eleves/{id:guid}/parents/{userId:guid}/retirer", async (Guid id, Guid userId, HttpContext context,
            PupilRegistry registry, IGrainFactory grains) =>
        {
            var schoolId = context.School()!.Id;
            if (!await registry.UnlinkGuardianAsync(schoolId, id, userId, context.RequestAborted))
            {
                return Results.NotFound();
            }
            // The parent's open pages of this child keep a live connection: every web node closes it.
            grains.Publish(new GuardianshipEnded(schoolId, userId, id));
            return (IResult)ManagementFeature.Done(context, $"gestion/eleves/{id}", "parent-retire");
        });
    }

    /// <summary>The pupil's page, with what the manager typed and what was wrong with it; 404 outside the school.</summary>
    static async Task<IResult> PupilPageAsync(HttpContext context, PupilRegistry registry, Guid id, object state)
    {
        var schoolId = context.School()!.Id;
        if (await registry.FindAsync(schoolId, id, context.RequestAborted) is not { } pupil)
        {
            return Results.NotFound();
        }
        var parameters = new RouteValueDictionary(state)
        {
            ["Pupil"] = pupil,
            ["Classes"] = await registry.ClassesAsync(schoolId, context.RequestAborted),
        };
        return new RazorComponentResult<PupilPage>(parameters);
    }

    public sealed class PupilForm
    {
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? ClassName { get; set; }
        public string? Reference { get; set; }

        public PupilDetails Details => new(FirstName ?? "", LastName ?? "", ClassName ?? "", Reference);
    }
}