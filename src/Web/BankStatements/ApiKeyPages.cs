using ItSchool.BankStatements;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.BankStatements;

/// <summary>"Clés d'API": the manager creates a key (shown once) for the school's own programs, and revokes it.</summary>
public static class ApiKeyPages
{
    public static void MapApiKeyPages(this RouteGroupBuilder manager)
    {
        manager.MapGet("/cles-api", async (HttpContext context, ManagerApiKeys keys) =>
            new RazorComponentResult<ApiKeysPage>(new { Keys = await keys.ListAsync(context.School()!.Id, context.RequestAborted) }));

        manager.MapPost("/cles-api", async (HttpContext context, ManagerApiKeys keys, IStringLocalizer<BankText> T, [FromForm] KeyForm form) =>
        {
            var schoolId = context.School()!.Id;
            var name = form.Name?.Trim() ?? "";
            if (name.Length is 0 or > 80)
            {
                return new RazorComponentResult<ApiKeysPage>(new
                {
                    Keys = await keys.ListAsync(schoolId, context.RequestAborted),
                    Problem = T["Keys.InvalidName"].Value,
                });
            }
            var (key, secret) = await keys.CreateAsync(schoolId, name, SignedInUser.From(context.User)!.DisplayName,
                cancellationToken: context.RequestAborted);
            return new RazorComponentResult<ApiKeysPage>(new
            {
                Keys = await keys.ListAsync(schoolId, context.RequestAborted),
                NewKeyName = key.Name,
                NewKey = secret,
            });
        });

        manager.MapPost("/cles-api/{keyId:guid}/revocation", async (Guid keyId, HttpContext context, ManagerApiKeys keys) =>
            await keys.RevokeAsync(context.School()!.Id, keyId, context.RequestAborted)
                ? Results.Redirect($"{context.Request.PathBase}/gestion/cles-api")
                : Results.NotFound());
    }

    public sealed class KeyForm
    {
        public string? Name { get; set; }
    }
}