using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using ItSchool.Payments;
using ItSchool.Tests.BankStatements;
using ItSchool.Tests.Operators;
using ItSchool.Tests.Payments;
using ItSchool.Tests.PointOfSale;
using ItSchool.Tests.Rig;
using ItSchool.Web.Operators;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Platform;

/// <summary>
/// A demo node that logs everything, at every level and in every category, into <see cref="Capture"/>, its console kept
/// quiet. Only the app's own pins stay (see Observability: the hosting's request lines carry query strings).
/// </summary>
public sealed class LogCapturingNode : WebNode
{
    public static readonly string SandboxSecret = "sandbox-" + Convert.ToHexString(Guid.NewGuid().ToByteArray());

    public LogCapturingNode()
    {
        Arguments =
        [
            "--Logging:LogLevel:Default=Trace", "--Logging:LogLevel:Microsoft=Trace", "--Logging:LogLevel:Microsoft.AspNetCore=Trace",
            "--Logging:LogLevel:Orleans=Trace", "--Logging:LogLevel:Npgsql=Trace", "--Logging:LogLevel:Polly=Trace",
            "--Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks=Trace",
            "--Logging:Console:LogLevel:Default=Warning",
            $"--ItSchool:Payments:Sandbox:Secret={SandboxSecret}",
        ];
        TestServices = builder => builder.Logging.AddProvider(Capture);
    }

    public LogCapture Capture { get; } = new();
}

/// <summary>
/// No secret in any log line: every flow that handles one runs through a node that keeps every line, and no password,
/// token, key, signature or session cookie may appear in any of them. The one exception is by design: the setup link a
/// start prints for the first platform operator, in its own line and nowhere else.
/// </summary>
public sealed class LogSecretsTests(LogCapturingNode web) : IClassFixture<LogCapturingNode>
{
    [Fact]
    public async Task A_password_reset_link_a_new_password_a_wrong_one_and_the_session_cookie_are_never_logged()
    {
        var cookies = new CookieContainer();
        using var client = web.CreateClient(cookies);
        await Forms.PostAsync(client, "/e/demo/mot-de-passe-oublie", "/e/demo/mot-de-passe-oublie", ("Email", "marc.dubois@example.be"));
        var link = MailLinks.FirstConnectionIn(await web.Mail.WaitForMailToAsync("marc.dubois@example.be"));
        var token = HttpUtility.ParseQueryString(new Uri(link).Query)["jeton"]!;
        var password = "Namur-" + Guid.NewGuid().ToString("N")[..12];
        var wrong = "Wrong-" + Guid.NewGuid().ToString("N")[..12];

        var form = await client.GetStringAsync($"/e/demo/premiere-connexion?jeton={token}");
        var step = await Forms.PostAsync(client, $"/e/demo/premiere-connexion?jeton={token}", "/e/demo/premiere-connexion", ("Token", token));
        var passwordPage = await step.Content.ReadAsStringAsync();
        var done = await client.PostAsync("/e/demo/premiere-connexion/mot-de-passe", new FormUrlEncodedContent(
        [
            new("Token", token), new("Password", password), new("Confirmation", password),
            new("__RequestVerificationToken", Forms.AntiforgeryToken(passwordPage)),
        ]));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        using var failed = web.CreateClient();
        var refused = await Forms.PostAsync(failed, "/e/demo/connexion", "/e/demo/connexion", ("Login", "marc.dubois"), ("Password", wrong));
        Assert.NotEqual(HttpStatusCode.Redirect, refused.StatusCode);
        var signedInCookies = new CookieContainer();
        using var signedIn = await SignedIn.AsAsync(web, "marc.dubois", password, signedInCookies);
        Assert.Contains("Marc", await signedIn.GetStringAsync("/e/demo/tableau-de-bord"));

        NotLogged([token, password, wrong, Forms.AntiforgeryToken(form), .. Cookies(cookies), .. Cookies(signedInCookies)]);
    }

    [Fact]
    public async Task A_new_terminal_key_and_a_wrong_one_on_sales_are_never_logged()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await (await Forms.PostAsync(manager, "/e/demo/gestion/caisses", "/e/demo/gestion/caisses/terminaux",
            ("Name", "Caisse des logs"), ("Kind", "Shop"), ("Compartment", "1"))).Content.ReadAsStringAsync();
        var key = Regex.Match(created, "<code class=\"new-key\">(itsk_[^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(key);
        var wrong = "itsk_" + Guid.NewGuid().ToString("N");

        using var terminal = PosRequests.Terminal(web, key);
        var run = Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(PosRequests.Sale($"logs/{run}/1", PosRequests.Body("04A1B2C3D4E504", ("POMME", 1))))).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired,
            (await terminal.SendAsync(PosRequests.Sale($"logs/{run}/2", PosRequests.Body("04A1B2C3D4E504", ("POMME", 1000))))).StatusCode);
        using var forged = PosRequests.Terminal(web, wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.SendAsync(PosRequests.Sale($"logs/{run}/3", PosRequests.Body("04A1B2C3D4E504", ("POMME", 1))))).StatusCode);

        NotLogged(key, wrong);
    }

    [Fact]
    public async Task A_payment_webhook_its_signature_and_the_provider_secret_are_never_logged()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var checkout = await TopUpClient.StartAsync(marc, "12,50");
        var id = TopUpClient.SandboxId(checkout);
        await TopUpClient.AnswerSandboxAsync(marc, checkout, "pay");
        var sandbox = web.Services.GetRequiredService<SandboxProvider>();
        var (body, signature) = sandbox.Webhook(id);
        var forgedSignature = WebhookSignature.Header(body, "guessed-" + Guid.NewGuid().ToString("N"), web.Clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body, signature)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostWebhookAsync(body, forgedSignature)).StatusCode);

        NotLogged([LogCapturingNode.SandboxSecret, .. SignatureValues(signature), .. SignatureValues(forgedSignature)]);
    }

    [Fact]
    public async Task A_manager_API_key_importing_a_statement_and_a_wrong_one_are_never_logged()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await (await Forms.PostAsync(manager, "/e/demo/gestion/cles-api", "/e/demo/gestion/cles-api", ("Name", "Import des logs")))
            .Content.ReadAsStringAsync();
        var key = Regex.Match(created, "<code class=\"new-key\">(itsm_[^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(key);
        var wrong = "itsm_" + Guid.NewGuid().ToString("N");

        using var program = web.CreateClient();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await program.PostAsync("/api/admin/v1/bank-statements",
            new ByteArrayContent(new Statements().Coda([("L1", 100, "libre")])))).StatusCode);
        using var forged = web.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([1, 2, 3]))).StatusCode);

        NotLogged(key, wrong);
    }

    [Fact]
    public async Task The_operator_setup_link_is_printed_once_on_its_own_line_and_the_operator_password_and_session_never()
    {
        var setup = web.Services.GetRequiredService<SetupLink>();
        await Eventually.TrueAsync(() => setup.Printed is not null, because: "the start prints the setup link once it listens");
        var printed = setup.Printed!;
        var token = HttpUtility.ParseQueryString(new Uri(printed).Query)["jeton"]!;
        var cookies = new CookieContainer();
        using var operatorClient = web.CreateClient(cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await PlatformClient.CreateOperatorAsync(operatorClient, new Uri(printed))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.GetAsync("/plateforme")).StatusCode);

        var link = Assert.Single(web.Capture.Lines, line => line.Everything.Contains(token, StringComparison.Ordinal));
        Assert.Equal((typeof(SetupLink).FullName, LogLevel.Warning), (link.Category, link.Level));
        Assert.Contains(printed, link.Message);
        NotLogged([PlatformClient.Password, .. Cookies(cookies)]);
    }

    [Fact]
    public async Task The_node_logs_every_category_down_to_trace_so_that_the_other_tests_see_everything()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        await marc.GetStringAsync("/e/demo/tableau-de-bord");

        Assert.Contains(web.Capture.Lines, line => line.Category.StartsWith("ItSchool", StringComparison.Ordinal));
        foreach (var category in new[] { "Microsoft.AspNetCore", "Orleans", "Npgsql" })
        {
            Assert.Contains(web.Capture.Lines, line => line.Category.StartsWith(category, StringComparison.Ordinal) && line.Level == LogLevel.Trace);
        }
    }

    /// <summary>No line so far holds any of these.</summary>
    void NotLogged(params string[] secrets)
    {
        Assert.NotEmpty(web.Capture.Lines);
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            var leaks = web.Capture.Lines.Where(line => line.Everything.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0,
                $"A secret ({secret[..Math.Min(6, secret.Length)]}…) is in {leaks.Count} log line(s), the first: {leaks.FirstOrDefault()?.Everything}");
        }
    }

    /// <summary>The cookies' values, each a session or a token; the short ones (a language choice) say nothing.</summary>
    IEnumerable<string> Cookies(CookieContainer cookies) =>
        cookies.GetAllCookies().Select(cookie => cookie.Value).Where(value => value.Length >= 20);

    /// <summary>A signature header's parts (t=…,v1=…): the digest is the secret part.</summary>
    static IEnumerable<string> SignatureValues(string header) =>
        [header, .. header.Split(',').Select(part => part.Split('=', 2)[^1]).Where(value => value.Length >= 20)];

    async Task<HttpResponseMessage> PostWebhookAsync(string body, string signature)
    {
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/sandbox/webhook")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SandboxProvider.SignatureHeader, signature);
        return await client.SendAsync(request);
    }
}