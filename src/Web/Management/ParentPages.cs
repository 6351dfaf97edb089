using Htmx;
using ItSchool.Accounts;
using ItSchool.Platform.Database;
using ItSchool.Pupils;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Management;

/// <summary>
/// "Parents": who they are, their children, whether they have connected; a new parent; invitations to one
/// parent, to the parents of a class, or to everyone not connected yet.
/// </summary>
public static class ParentPages
{
    public static void MapParentPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/parents", async (HttpContext context, ParentAccounts parentAccounts, PupilRegistry registry, string? classe, string? statut,
            string? page) =>
        {
            var schoolId = context.School()!.Id;
            var status = StatusFilter(statut);
            return new RazorComponentResult<ParentListPage>(new
            {
                Counts = await parentAccounts.CountAsync(schoolId, context.RequestAborted),
                Parents = await parentAccounts.PageAsync(schoolId, classe, status, PageRequest.Parse(page), context.RequestAborted),
                Classes = await registry.ClassesAsync(schoolId, context.RequestAborted),
                ClassName = classe,
                Status = status,
            });
        });

        manager.MapGet("/parents/nouveau", () => new RazorComponentResult<NewParentPage>());

        manager.MapPost("/parents/nouveau", async (HttpContext context, ParentAccounts parents, AccountMails mails,
            [FromForm] ParentForm? form) =>
        {
            form ??= new();
            var school = context.School()!;
            var (account, problem) = await parents.CreateAsync(school.Id, form.Parent, context.RequestAborted);
            if (account is null)
            {
                return (IResult)new RazorComponentResult<NewParentPage>(new { Parent = form.Parent, Problem = problem, form.Invite });
            }
            if (form.Invite)
            {
                await mails.SendInvitationAsync(school, account, context.SchoolUrl(), context.RequestAborted);
            }
            return ManagementFeature.Done(context, "gestion/parents", form.Invite ? "parent-cree-invite" : "parent-cree");
        });

        manager.MapPost("/parents/{id:guid}/invitation", async (Guid id, HttpContext context, ParentAccounts parents,
            AccountDirectory accounts, AccountMails mails) =>
        {
            var school = context.School()!;
            if (await accounts.FindAsync(school.Id, id, context.RequestAborted) is not { Role: Role.Parent } account ||
                await parents.FindAsync(school.Id, id, context.RequestAborted) is not { } before)
            {
                return Results.NotFound();
            }
            // A parent who has connected has a password: an invitation would only be a stray link in their mail.
            var sent = before.Status != ConnectionStatus.Connected &&
                await mails.SendInvitationAsync(school, account, context.SchoolUrl(), context.RequestAborted);
            if (!context.Request.IsHtmx())
            {
                var notice = sent ? "invitation-envoyee" : before.Status == ConnectionStatus.Connected ? "deja-connecte" : "sans-adresse";
                return ManagementFeature.Done(context, "gestion/parents", notice);
            }
            // htmx swaps the parent's row for this one, with its new status, and the counters with it.
            return new RazorComponentResult<ParentRowUpdate>(new
            {
                Parent = (await parents.FindAsync(school.Id, id, context.RequestAborted))!,
                Counts = await parents.CountAsync(school.Id, context.RequestAborted),
                JustInvited = sent,
            });
        });

        manager.MapPost("/parents/invitations", async (HttpContext context, ParentAccounts parents, AccountMails mails,
            [FromForm(Name = "ClassName")] string? className) =>
        {
            var school = context.School()!;
            var sent = 0;
            var withoutEmail = 0;
            foreach (var account in await parents.NotYetConnectedAsync(school.Id, className, context.RequestAborted))
            {
                if (await mails.SendInvitationAsync(school, account, context.SchoolUrl(), context.RequestAborted))
                {
                    sent++;
                }
                else
                {
                    withoutEmail++;
                }
            }
            return Flash.Redirect(context, "gestion/parents", "invitations", sent, withoutEmail);
        });
    }

    // The French words of the address (?statut=connecte) for the statuses of the list.
    internal static string StatusWord(ConnectionStatus status) => status switch
    {
        ConnectionStatus.NeverInvited => "jamais-invite",
        ConnectionStatus.Invited => "invite",
        _ => "connecte",
    };

    static ConnectionStatus? StatusFilter(string? word) =>
        Enum.GetValues<ConnectionStatus>().Select(s => (ConnectionStatus?)s).FirstOrDefault(s => StatusWord(s!.Value) == word);

    public sealed class ParentForm
    {
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Email { get; set; }
        public bool Invite { get; set; }

        public NewParent Parent => new(FirstName ?? "", LastName ?? "", Email ?? "");
    }
}