using ItSchool.Accounts;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Management;

/// <summary>"Personnel": the school's teachers, canteen operators and managers; a new one, and their invitation.</summary>
public static class StaffPages
{
    public static void MapStaffPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/personnel", async (HttpContext context, StaffAccounts staff) =>
            new RazorComponentResult<StaffListPage>(new
            {
                Staff = await staff.ListAsync(context.School()!.Id, context.RequestAborted),
                CurrentUserId = SignedInUser.From(context.User)!.Id,
            }));

        manager.MapGet("/personnel/nouveau", () => new RazorComponentResult<NewStaffPage>());

        manager.MapPost("/personnel/nouveau", async (HttpContext context, StaffAccounts staff, AccountMails mails,
            [FromForm] StaffForm? form) =>
        {
            form ??= new();
            var school = context.School()!;
            // The role comes from a select, but a form can be forged: only a staff role is taken.
            if (StaffAccounts.Roles.Where(r => r.ToString() == form.Role).Select(r => (Role?)r).SingleOrDefault() is not { } role)
            {
                return (IResult)new RazorComponentResult<NewStaffPage>(new { Person = form.Person, form.Role, form.Invite, RoleInvalid = true });
            }
            var (account, problem) = await staff.CreateAsync(school.Id, form.Person, role, context.RequestAborted);
            if (account is null)
            {
                return new RazorComponentResult<NewStaffPage>(new { Person = form.Person, form.Role, form.Invite, Problem = problem });
            }
            if (form.Invite)
            {
                await mails.SendInvitationAsync(school, account, context.SchoolUrl(), context.RequestAborted);
            }
            return ManagementFeature.Done(context, "gestion/personnel", form.Invite ? "personnel-cree-invite" : "personnel-cree");
        });

        manager.MapPost("/personnel/{id:guid}/invitation", async (Guid id, HttpContext context, AccountDirectory accounts, AccountMails mails) =>
        {
            var school = context.School()!;
            if (await accounts.FindAsync(school.Id, id, context.RequestAborted) is not { } account || account.Role == Role.Parent)
            {
                return Results.NotFound();
            }
            var sent = await mails.SendInvitationAsync(school, account, context.SchoolUrl(), context.RequestAborted);
            return ManagementFeature.Done(context, "gestion/personnel", sent ? "invitation-envoyee" : "sans-adresse");
        });
    }

    public sealed class StaffForm
    {
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Email { get; set; }
        public string? Role { get; set; }
        public bool Invite { get; set; }

        public NewParent Person => new(FirstName ?? "", LastName ?? "", Email ?? "");
    }
}