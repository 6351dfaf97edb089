using System.Net;
using ItSchool.Operators;
using ItSchool.Tests.Rig;
using ItSchool.Web.Operators;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Operators;

/// <summary>The operator's steps over HTTP, as their browser sends them.</summary>
public static class PlatformClient
{
    public const string Password = "Plateforme-2026";

    /// <summary>Creates the operator's account through the setup link; the client is then signed in.</summary>
    public static async Task<HttpResponseMessage> CreateOperatorAsync(HttpClient client, Uri setupLink, string userName = "ops")
    {
        var token = System.Web.HttpUtility.ParseQueryString(setupLink.Query)["jeton"]!;
        // The form's token from the sign-in page: a spent link shows no form, and its refusal must not rest on the token.
        return await Forms.PostAsync(client, "/plateforme/connexion", "/plateforme/installation",
            ("Token", token), ("FirstName", "Olivia"), ("LastName", "Opérat"), ("Email", "olivia@plateforme.example.be"),
            ("UserName", userName), ("Password", Password), ("Confirmation", Password));
    }

    /// <summary>
    /// A client signed in as the node's operator: the first call creates the account through the setup link,
    /// later ones sign in with the password.
    /// </summary>
    public static async Task<HttpClient> OperatorAsync(ProductionNode web)
    {
        await web.OperatorLock.WaitAsync();
        try
        {
            var client = web.CreateClient();
            var answer = await web.CountAsync("platform_operators") == 0
                ? await CreateOperatorAsync(client, await web.SetupLinkAsync())
                : await Forms.PostAsync(client, "/plateforme/connexion", "/plateforme/connexion", ("Login", "ops"), ("Password", Password));
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            return client;
        }
        finally
        {
            web.OperatorLock.Release();
        }
    }

    static readonly SemaphoreSlim AnyNodeLock = new(1, 1);

    /// <summary>
    /// A client signed in as the operator of any node (the demo's too): the first call creates the account through the
    /// link the start printed, later ones sign in with the password.
    /// </summary>
    public static async Task<HttpClient> OperatorOfAsync(WebNode web)
    {
        await AnyNodeLock.WaitAsync();
        try
        {
            var client = web.CreateClient();
            var setup = web.Services.GetRequiredService<SetupLink>();
            var answer = await web.Services.GetRequiredService<PlatformOperators>().AnyAsync()
                ? await Forms.PostAsync(client, "/plateforme/connexion", "/plateforme/connexion", ("Login", "ops"), ("Password", Password))
                : await CreateOperatorAsync(client, await PrintedAsync(setup));
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
            return client;
        }
        finally
        {
            AnyNodeLock.Release();
        }
    }

    static async Task<Uri> PrintedAsync(SetupLink setup)
    {
        await Eventually.TrueAsync(() => setup.Printed is not null, because: "the start prints the setup link once it listens");
        return new Uri(setup.Printed!);
    }

    public static async Task<HttpResponseMessage> CreateSchoolAsync(HttpClient client, string slug, string managerEmail,
        params (string Name, string Value)[] more)
    {
        var page = await client.GetStringAsync("/plateforme/ecoles/nouvelle");
        var id = System.Text.RegularExpressions.Regex.Match(page, "name=\"Id\" value=\"([^\"]+)\"").Groups[1].Value;
        (string, string)[] fields =
        [
            ("Id", id), ("Name", $"Institut {slug}"), ("Slug", slug), ("ManagerFirstName", "Claire"), ("ManagerLastName", "Gestion"),
            ("ManagerEmail", managerEmail), ("Modules", "Wallets"), ("Modules", "Invoices"), .. more,
        ];
        return await Forms.PostAsync(client, "/plateforme/ecoles/nouvelle", "/plateforme/ecoles/nouvelle", fields);
    }
}