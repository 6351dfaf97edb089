using ItSchool.Accounts;
using ItSchool.Operators;
using ItSchool.Payments;
using ItSchool.Schools;
using ItSchool.Web.Accounts;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace ItSchool.Web.Operators;

/// <summary>
/// "/plateforme": the operator's first account (through the setup link), their sign-in, the list of schools,
/// a new school with its first manager, and suspending or reopening one. Never anything about pupils.
/// </summary>
public static class PlatformPages
{
    public static void MapPlatform(this WebApplication app)
    {
        // On a school's own host name the operator's pages do not exist: they belong to the installation's address.
        var platform = app.MapGroup("/plateforme").RequireAntiforgeryOnChanges()
            .AddEndpointFilter(async (context, next) => context.HttpContext.School() is null ? await next(context) : Results.NotFound());

        platform.MapGet("/installation", async (string? jeton, PlatformOperators operators, HttpContext context) =>
            new RazorComponentResult<SetupPage>(new { Token = jeton, Valid = await operators.IsSetupLinkValidAsync(jeton, context.RequestAborted) }));

        platform.MapPost("/installation", async (HttpContext context, PlatformOperators operators, [FromForm] SetupForm form) =>
        {
            var (created, problem, passwordProblem) = await operators.CreateFirstAsync(form.Token, form.Person, context.RequestAborted);
            if (created is null)
            {
                return (IResult)new RazorComponentResult<SetupPage>(new
                {
                    form.Token,
                    Valid = problem != OperatorProblem.LinkInvalid,
                    Person = form.Person,
                    Problem = problem,
                    PasswordProblem = passwordProblem,
                });
            }
            await OperatorSessions.SignInAsync(context, created);
            return Flash.Redirect(context, "plateforme", "bienvenue");
        }).RequireRateLimiting(AccountsFeature.SecretsPolicy);

        platform.MapGet("/connexion", () => new RazorComponentResult<OperatorSignInPage>());

        platform.MapPost("/connexion", async (HttpContext context, PlatformOperators operators, [FromForm] SignInForm form) =>
        {
            var login = form.Login?.Trim() ?? "";
            if (login.Length is 0 or > 200 || string.IsNullOrEmpty(form.Password) || form.Password.Length > 500)
            {
                return (IResult)new RazorComponentResult<OperatorSignInPage>(new { Login = login, Failed = true });
            }
            var (signedIn, lockedOut) = await operators.SignInAsync(login, form.Password, context.RequestAborted);
            if (signedIn is null)
            {
                return new RazorComponentResult<OperatorSignInPage>(new { Login = login, Failed = !lockedOut, LockedOut = lockedOut });
            }
            await OperatorSessions.SignInAsync(context, signedIn);
            return TypedResults.Redirect("/plateforme");
        }).RequireRateLimiting(AccountsFeature.SecretsPolicy);

        platform.MapPost("/deconnexion", async (HttpContext context) =>
        {
            await context.SignOutAsync(OperatorSessions.Scheme);
            return TypedResults.Redirect("/plateforme/connexion");
        });

        var operatorOnly = platform.MapGroup("").RequireAuthorization(OperatorSessions.Policy);
        operatorOnly.MapInstallationMicrosoft();

        operatorOnly.MapGet("", async (OperatedSchools schools, HttpContext context) =>
            new RazorComponentResult<SchoolsPage>(new { Schools = await schools.ListAsync(context.RequestAborted) }));

        operatorOnly.MapGet("/ecoles/nouvelle", (Features features) =>
            new RazorComponentResult<NewSchoolPage>(new { Form = new SchoolForm { Modules = [.. features.Modules.Select(m => m.ToString())] } }));

        operatorOnly.MapPost("/ecoles/nouvelle", async (HttpContext context, OperatedSchools schools, SchoolDirectory directory,
            IGrainFactory grains, AccountMails mails, IPaymentProvider provider, Features features, [FromForm] SchoolForm form) =>
        {
            var modules = ChosenModules(features, form.Modules);
            var (school, manager, problem) = await schools.CreateAsync(form.ToNewSchool(), provider is not OfflineProvider, context.RequestAborted);
            if (school is null)
            {
                return (IResult)new RazorComponentResult<NewSchoolPage>(new { Form = form, Problem = problem });
            }
            directory.Forget();
            foreach (var module in modules)
            {
                await grains.GetGrain<ISchoolGrain>(school.Id).EnableModuleAsync(module);
            }
            if (manager is not null)
            {
                await mails.SendInvitationAsync(school, manager, context.SchoolUrl(school), context.RequestAborted);
            }
            return Flash.Redirect(context, $"plateforme/ecoles/{school.Id}", "creee");
        });

        operatorOnly.MapGet("/ecoles/{id:guid}", async (Guid id, OperatedSchools schools, StaffAccounts staff, IGrainFactory grains,
            SchoolDirectory directory, HttpContext context) =>
            await schools.FindAsync(id, context.RequestAborted) is { } school
                ? (IResult)new RazorComponentResult<SchoolPage>(new
                {
                    School = school,
                    // The school's managers only: the operator sees no parent, pupil or teacher.
                    Managers = (await staff.ListAsync(id, context.RequestAborted)).Where(m => m.Role == Role.Manager).ToList(),
                    Modules = await grains.GetGrain<ISchoolGrain>(id).GetEnabledModulesAsync(),
                    Address = context.SchoolUrl(new School(school.Id, school.Slug, school.Name, school.Host)),
                    Language = (await directory.FindByIdAsync(id, context.RequestAborted))?.Language ?? "",
                })
                : Results.NotFound());

        operatorOnly.MapPost("/ecoles/{id:guid}/suspendre", (Guid id, OperatedSchools schools, SchoolDirectory directory, HttpContext context) =>
            SuspendAsync(id, true, schools, directory, context));

        operatorOnly.MapPost("/ecoles/{id:guid}/rouvrir", (Guid id, OperatedSchools schools, SchoolDirectory directory, HttpContext context) =>
            SuspendAsync(id, false, schools, directory, context));

        operatorOnly.MapPost("/ecoles/{id:guid}/modules", async (Guid id, OperatedSchools schools, IGrainFactory grains, HttpContext context,
            Features features, [FromForm] ModulesForm form) =>
        {
            if (await schools.FindAsync(id, context.RequestAborted) is null)
            {
                return (IResult)Results.NotFound();
            }
            var wanted = ChosenModules(features, form.Modules);
            var school = grains.GetGrain<ISchoolGrain>(id);
            foreach (var module in features.Modules)
            {
                await (wanted.Contains(module) ? school.EnableModuleAsync(module) : school.DisableModuleAsync(module));
            }
            return Flash.Redirect(context, $"plateforme/ecoles/{id}", "modules");
        });

        operatorOnly.MapPost("/ecoles/{id:guid}/langue", async (Guid id, LanguageDirectory languages, SchoolDirectory directory,
            HttpContext context, [FromForm] Languages.ChoiceForm form) =>
        {
            // Empty: no language of the school's own, each reader's browser decides.
            var language = string.IsNullOrEmpty(form.Language) ? null : form.Language;
            if (language is not null && LanguageDirectory.Supported(language) is null)
            {
                return Results.BadRequest();
            }
            if (!await languages.SetSchoolLanguageAsync(id, language, context.RequestAborted))
            {
                return (IResult)Results.NotFound();
            }
            directory.Forget();
            return Flash.Redirect(context, $"plateforme/ecoles/{id}", "school-language-saved");
        });

        // The first manager lost their mail: a new invitation (a new token; the operator never sees it).
        operatorOnly.MapPost("/ecoles/{id:guid}/responsables/{user:guid}/invitation", async (Guid id, Guid user, SchoolDirectory directory,
            AccountDirectory accounts, AccountMails mails, HttpContext context) =>
        {
            if (await directory.FindByIdAsync(id, context.RequestAborted) is not { } school
                || await accounts.FindAsync(id, user, context.RequestAborted) is not { Role: Role.Manager } manager)
            {
                return (IResult)Results.NotFound();
            }
            await mails.SendInvitationAsync(school, manager, context.SchoolUrl(school), context.RequestAborted);
            return Flash.Redirect(context, $"plateforme/ecoles/{id}", "invitation");
        });
    }

    static async Task<IResult> SuspendAsync(Guid id, bool suspended, OperatedSchools schools, SchoolDirectory directory, HttpContext context)
    {
        if (!await schools.SetSuspendedAsync(id, suspended, context.RequestAborted))
        {
            return Results.NotFound();
        }
        directory.Forget();
        return Flash.Redirect(context, $"plateforme/ecoles/{id}", suspended ? "suspendue" : "rouverte");
    }

    static HashSet<SchoolModule> ChosenModules(Features features, string[]? chosen) =>
        [.. (chosen ?? []).Select(value => Enum.TryParse<SchoolModule>(value, out var module) && features.Modules.Contains(module) ? (SchoolModule?)module : null)
            .OfType<SchoolModule>()];

    public sealed class SetupForm
    {
        public string? Token { get; set; }
        public string? UserName { get; set; }
        public string? Email { get; set; }
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Password { get; set; }
        public string? Confirmation { get; set; }

        public NewOperator Person => new(UserName ?? "", Email ?? "", FirstName ?? "", LastName ?? "", Password ?? "", Confirmation ?? "");
    }

    public sealed class ModulesForm
    {
        public string[]? Modules { get; set; }
    }

    public sealed class SignInForm
    {
        public string? Login { get; set; }
        public string? Password { get; set; }
    }

    public sealed class SchoolForm
    {
        // Drawn when the form is shown: the same form sent twice creates one school.
        public Guid Id { get; set; } = Guid.CreateVersion7();
        public string? Name { get; set; }
        public string? Slug { get; set; }
        public string? Host { get; set; }
        public string? PostalAddress { get; set; }
        public string? EnterpriseNumber { get; set; }
        public string? Iban { get; set; }
        public string? Bic { get; set; }
        public string? Beneficiary { get; set; }
        public string? ManagerFirstName { get; set; }
        public string? ManagerLastName { get; set; }
        public string? ManagerEmail { get; set; }
        public string[]? Modules { get; set; }

        public NewSchool ToNewSchool() => new(Id, Name ?? "", Slug ?? "", Host, PostalAddress, EnterpriseNumber, Iban, Bic, Beneficiary,
            new NewParent(ManagerFirstName ?? "", ManagerLastName ?? "", ManagerEmail ?? ""));
    }
}