using ItSchool.Accounts;
using ItSchool.Operators;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Operators;

/// <summary>
/// "/plateforme/microsoft": the installation's Entra application, which every school without its own signs in
/// with (<see cref="MicrosoftSignIns.ApplicationForAsync"/>). Same rules as a school's form: the secret is stored
/// protected and never shown back; an empty secret keeps the stored one.
/// </summary>
public static class InstallationMicrosoftPages
{
    public static void MapInstallationMicrosoft(this RouteGroupBuilder operatorOnly)
    {
        operatorOnly.MapGet("/microsoft", (HttpContext context, MicrosoftSignIns store, OperatedSchools schools) =>
            PageAsync(context, store, schools, null, null));

        operatorOnly.MapPost("/microsoft", async (HttpContext context, MicrosoftSignIns store, OperatedSchools schools,
            [FromForm] MicrosoftSignInFeature.SettingsForm form) =>
        {
            var current = await store.InstallationApplicationAsync(context.RequestAborted);
            if (MicrosoftSignInFeature.Problem(form, current is not null) is { } problem)
            {
                return await PageAsync(context, store, schools, form, problem);
            }
            var secret = string.IsNullOrWhiteSpace(form.ClientSecret) ? null : MicrosoftSecrets.Protect(context.RequestServices, form.ClientSecret.Trim());
            await store.SaveForInstallationAsync(form.TenantId!.Trim(), form.ClientId!.Trim(), secret, context.RequestAborted);
            return Flash.Redirect(context, "plateforme/microsoft", "saved");
        });

        operatorOnly.MapPost("/microsoft/retirer", async (HttpContext context, MicrosoftSignIns store) =>
        {
            await store.RemoveForInstallationAsync(context.RequestAborted);
            return Flash.Redirect(context, "plateforme/microsoft", "removed");
        });
    }

    static async Task<IResult> PageAsync(HttpContext context, MicrosoftSignIns store, OperatedSchools schools,
        MicrosoftSignInFeature.SettingsForm? sent, string? problem)
    {
        var current = await store.InstallationApplicationAsync(context.RequestAborted);
        // Every school's callback must be registered in the application: the operator copies them from here.
        var redirects = new List<InstallationMicrosoftPage.SchoolRedirect>();
        foreach (var school in await schools.ListAsync(context.RequestAborted))
        {
            var address = context.SchoolUrl(new School(school.Id, school.Slug, school.Name, school.Host));
            redirects.Add(new(school.Name, school.Slug, address + MicrosoftSignIn.CallbackPath,
                await store.SchoolApplicationAsync(school.Id, context.RequestAborted) is not null));
        }
        return new RazorComponentResult<InstallationMicrosoftPage>(new
        {
            TenantId = sent?.TenantId ?? current?.TenantId,
            ClientId = sent?.ClientId ?? current?.ClientId,
            HasSecret = current is not null,
            Problem = problem,
            Schools = redirects,
        });
    }
}