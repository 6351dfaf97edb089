using System.Text.RegularExpressions;
using ItSchool.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Accounts;

/// <summary>
/// "Se connecter avec Microsoft", optional per school: the manager enters the school's Entra application on
/// "gestion/microsoft" (the installation's, set by the operator, serves schools without one); the sign-in page
/// then offers the button (<see cref="MicrosoftSignIn"/>).
/// </summary>
public sealed partial class MicrosoftSignInFeature : Feature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MicrosoftSignIns>();
        builder.Services.AddSingleton<MicrosoftTokens>();
        builder.Services.AddHttpClient(nameof(MicrosoftTokens));
        builder.Services.AddOptions<MicrosoftSettings>().BindConfiguration(MicrosoftSettings.Section);
    }

    public override void MapInSchool(RouteGroupBuilder school)
    {
        school.MapMicrosoftSignIn();
        var manager = school.MapGroup("/gestion").RequireAuthorization(nameof(Role.Manager));
        manager.MapGet("/microsoft", (HttpContext context, MicrosoftSignIns store) => SettingsPageAsync(context, store, null, null));
        manager.MapPost("/microsoft", async (HttpContext context, MicrosoftSignIns store, [FromForm] SettingsForm form) =>
        {
            var schoolId = context.School()!.Id;
            var current = await store.SchoolApplicationAsync(schoolId, context.RequestAborted);
            var problem = Problem(form, current is not null);
            if (problem is not null)
            {
                return await SettingsPageAsync(context, store, form, problem);
            }
            var secret = string.IsNullOrWhiteSpace(form.ClientSecret) ? null : MicrosoftSecrets.Protect(context.RequestServices, form.ClientSecret.Trim());
            await store.SaveForSchoolAsync(schoolId, form.TenantId!.Trim(), form.ClientId!.Trim(), secret, context.RequestAborted);
            return Flash.Redirect(context, "gestion/microsoft", "saved");
        });
        manager.MapPost("/microsoft/retirer", async (HttpContext context, MicrosoftSignIns store) =>
        {
            await store.RemoveForSchoolAsync(context.School()!.Id, context.RequestAborted);
            return Flash.Redirect(context, "gestion/microsoft", "removed");
        });
    }

    public override async Task<IEnumerable<DashboardCard>> DashboardCardsAsync(DashboardReader reader)
    {
        if (reader.User.Role != Role.Manager)
        {
            return [];
        }
        var application = await reader.Services.GetRequiredService<MicrosoftSignIns>().ApplicationForAsync(reader.SchoolId, reader.Aborted);
        return [DashboardCard.Of<MicrosoftSettingsCard>(95, new { Application = application })];
    }

    static async Task<IResult> SettingsPageAsync(HttpContext context, MicrosoftSignIns store, SettingsForm? sent, string? problem)
    {
        var schoolId = context.School()!.Id;
        var current = await store.SchoolApplicationAsync(schoolId, context.RequestAborted);
        return new RazorComponentResult<MicrosoftSettingsPage>(new
        {
            TenantId = sent?.TenantId ?? current?.TenantId,
            ClientId = sent?.ClientId ?? current?.ClientId,
            HasSecret = current is not null,
            UsesInstallation = current is null && await store.InstallationApplicationAsync(context.RequestAborted) is not null,
            RedirectUri = MicrosoftSignIn.RedirectUri(context),
            Problem = problem,
        });
    }

    /// <summary>The resource key of what is wrong with the form, or null.</summary>
    public static string? Problem(SettingsForm form, bool secretStored) =>
        form.TenantId?.Trim() is not { } tenant || !TenantPattern().IsMatch(tenant) ? "Settings.Problem.Tenant"
        : !Guid.TryParse(form.ClientId?.Trim(), out _) ? "Settings.Problem.Client"
        : string.IsNullOrWhiteSpace(form.ClientSecret) && !secretStored ? "Settings.Problem.Secret"
        : form.ClientSecret?.Length > 400 ? "Settings.Problem.Secret"
        : null;

    // A directory id (a GUID) or one of the tenant's domain names, as Entra's endpoints accept.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$")]
    private static partial Regex TenantPattern();

    public sealed class SettingsForm
    {
        public string? TenantId { get; set; }
        public string? ClientId { get; set; }
        public string? ClientSecret { get; set; }
    }
}