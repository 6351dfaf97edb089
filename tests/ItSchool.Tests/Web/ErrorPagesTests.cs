using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItSchool.Tests.Web;

/// <summary>
/// The demo node with handlers that fail on purpose (a bug, a bare refusal), reached inside a school, outside
/// one and as an API, and with its error log recorded. They exist in the tests only.
/// </summary>
public sealed class FailingWebNode : WebNode
{
    /// <summary>In the exception only: it must reach the log and never a visitor.</summary>
    public const string Secret = "connection string 4242";

    public RecordedLogs Logs { get; } = new();

    public FailingWebNode()
    {
        TestEndpoints = app =>
        {
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
            foreach (var prefix in new[] { "", "/api" })
            {
                app.MapGet(prefix + "/panne-de-test", string () => throw new InvalidOperationException(Secret));
                app.MapGet(prefix + "/refus-de-test", () => Results.StatusCode(StatusCodes.Status403Forbidden));
                // What a grain call throws when its silo died under it: the silo declared dead, or no answer in time.
                app.MapGet(prefix + "/silo-perdu-de-test", string () => throw new SiloUnavailableException());
                app.MapGet(prefix + "/silo-muet-de-test", string () => throw new TimeoutException("Response did not arrive on time"));
            }
        };
    }

    public sealed class RecordedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(this);

        public void Dispose()
        {
        }

        sealed class Recorder(RecordedLogs logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    logs.Entries.Enqueue((logLevel, formatter(state, exception), exception));
                }
            }
        }
    }
}

public sealed class ErrorPagesTests(FailingWebNode web) : IClassFixture<FailingWebNode>
{
    /// <summary>A French page in the site's bare layout, leading back to <paramref name="home"/>.</summary>
    static async Task<string> ErrorPageAsync(HttpResponseMessage response, HttpStatusCode status, string title, string home, string way)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"fr-BE\">", html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/css/site.css\">", html);
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">", html);
        Assert.Contains("<main class=\"bare\">", html);
        Assert.Contains($"<h1>{title}</h1>", html);
        Assert.Contains($"Erreur {(int)status}", html);
        Assert.Contains($"href=\"{home}\">{way}</a>", html);
        return html;
    }

    static async Task<string> ProblemCodeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem.GetProperty("code").GetString()!;
    }

    static HttpRequestMessage Htmx(HttpMethod method, string url, HttpContent? content = null) => new(method, url)
    {
        Headers = { { "HX-Request", "true" } },
        Content = content,
    };

    [Fact]
    public async Task An_unknown_page_inside_a_school_leads_back_to_its_dashboard_and_outside_to_the_root()
    {
        using var client = web.CreateClient();
        var inside = await ErrorPageAsync(await client.GetAsync("/e/demo/nulle-part"), HttpStatusCode.NotFound,
            "Page introuvable", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
        Assert.Contains("<p class=\"bare-school\">École de démo</p>", inside);
        Assert.Contains("MODE DÉMO", inside);

        var outside = await ErrorPageAsync(await client.GetAsync("/nulle-part/ni-ailleurs"), HttpStatusCode.NotFound,
            "Page introuvable", "/", "Retour à l'accueil");
        Assert.DoesNotContain("bare-school", outside);

        // A signed-in parent on a manager's address: "not found", as the README says, with the way back.
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        await ErrorPageAsync(await parent.GetAsync("/e/demo/gestion/eleves"), HttpStatusCode.NotFound,
            "Page introuvable", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
    }

    [Fact]
    public async Task A_form_posted_with_an_expired_token_says_the_page_expired_and_htmx_gets_the_sentence()
    {
        using var client = web.CreateClient();
        await client.GetStringAsync("/e/demo/connexion");
        var fields = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Login"] = "marc.dubois",
            ["Password"] = ItSchool.Schools.DemoSchool.Password,
            ["__RequestVerificationToken"] = "CfDJ8-expired",
        });
        var html = await ErrorPageAsync(await client.PostAsync("/e/demo/connexion", fields), HttpStatusCode.BadRequest,
            "Formulaire expiré", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
        Assert.Contains("Rien n'a été enregistré", html);

        var htmx = await client.SendAsync(Htmx(HttpMethod.Post, "/e/demo/connexion", fields));
        Assert.Equal(HttpStatusCode.BadRequest, htmx.StatusCode);
        Assert.Equal("text/plain", htmx.Content.Headers.ContentType?.MediaType);
        Assert.Equal("La page a expiré : rechargez-la.", await htmx.Content.ReadAsStringAsync());

        // The school group's own check (a change without a form to bind) answers the same way.
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        await ErrorPageAsync(await parent.PostAsync("/e/demo/deconnexion", null), HttpStatusCode.BadRequest,
            "Formulaire expiré", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
        Assert.Equal(HttpStatusCode.OK, (await parent.GetAsync("/e/demo/tableau-de-bord")).StatusCode);
    }

    [Fact]
    public async Task A_refusal_has_its_page_and_an_api_its_problem()
    {
        using var client = web.CreateClient();
        await ErrorPageAsync(await client.GetAsync("/e/demo/refus-de-test"), HttpStatusCode.Forbidden,
            "Accès refusé", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
        Assert.Equal("forbidden", await ProblemCodeAsync(await client.GetAsync("/api/refus-de-test"), HttpStatusCode.Forbidden));
        Assert.Equal("forbidden", await ProblemCodeAsync(await client.GetAsync("/e/demo/api/refus-de-test"), HttpStatusCode.Forbidden));
    }

    [Fact]
    public async Task A_bug_is_logged_and_answered_with_a_French_page_that_names_nothing_of_it()
    {
        using var client = web.CreateClient();
        var inside = await ErrorPageAsync(await client.GetAsync("/e/demo/panne-de-test"), HttpStatusCode.InternalServerError,
            "Une erreur est survenue", "/e/demo/tableau-de-bord", "Retour au tableau de bord");
        var outside = await ErrorPageAsync(await client.GetAsync("/panne-de-test"), HttpStatusCode.InternalServerError,
            "Une erreur est survenue", "/", "Retour à l'accueil");
        var api = await client.GetAsync("/api/panne-de-test");
        Assert.Equal("internal_error", await ProblemCodeAsync(api, HttpStatusCode.InternalServerError));
        var schoolApi = await client.GetAsync("/e/demo/api/panne-de-test");
        Assert.Equal("internal_error", await ProblemCodeAsync(schoolApi, HttpStatusCode.InternalServerError));
        var htmx = await client.SendAsync(Htmx(HttpMethod.Get, "/e/demo/panne-de-test"));
        Assert.Equal("Une erreur est survenue : réessayez dans un instant.", await htmx.Content.ReadAsStringAsync());

        foreach (var body in new[] { inside, outside, await api.Content.ReadAsStringAsync(), await schoolApi.Content.ReadAsStringAsync() })
        {
            Assert.DoesNotContain("4242", body);
            Assert.DoesNotContain("InvalidOperationException", body);
            Assert.DoesNotContain("at ItSchool", body);
        }
        await Eventually.TrueAsync(() => web.Logs.Entries.Any(e => e.Level == LogLevel.Error
            && e.Message.Contains("/e/demo/panne-de-test") && e.Exception?.Message == FailingWebNode.Secret));
    }

    [Theory]
    [InlineData("silo-perdu-de-test")]
    [InlineData("silo-muet-de-test")]
    public async Task A_grain_call_lost_with_its_silo_says_to_retry_soon_and_is_no_bug(string path)
    {
        using var client = web.CreateClient();
        var api = await client.GetAsync($"/api/{path}");
        Assert.Equal("cluster_unavailable", await ProblemCodeAsync(api, HttpStatusCode.ServiceUnavailable));
        Assert.Equal(TimeSpan.FromSeconds(2), api.Headers.RetryAfter?.Delta);
        var page = await client.GetAsync($"/e/demo/{path}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("indisponible", await page.Content.ReadAsStringAsync());
        Assert.DoesNotContain(web.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(path));
    }

    [Fact]
    public async Task Apis_get_problems_with_a_code_never_pages()
    {
        using var client = web.CreateClient();
        Assert.Equal("not_found", await ProblemCodeAsync(await client.GetAsync("/api/nulle-part"), HttpStatusCode.NotFound));
        Assert.Equal("not_found", await ProblemCodeAsync(await client.GetAsync("/e/demo/api/nulle-part"), HttpStatusCode.NotFound));
        Assert.Equal("method_not_allowed", await ProblemCodeAsync(await client.DeleteAsync("/api/refus-de-test"), HttpStatusCode.MethodNotAllowed));
        // An API's own problem keeps its own code.
        using var terminal = web.CreateClient();
        terminal.DefaultRequestHeaders.Authorization = new("Bearer", "pas-une-cle");
        Assert.Equal("invalid_key", await ProblemCodeAsync(await terminal.GetAsync("/api/pos/v1/cards/04A1B2C3D4E504"), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Answers_with_a_body_of_their_own_or_deliberately_none_keep_it()
    {
        using var client = web.CreateClient();
        // A redirect to sign in, and its htmx form: a 401 whose HX-Redirect header is the whole answer.
        var redirect = await client.GetAsync("/e/demo/tableau-de-bord");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Empty(await redirect.Content.ReadAsByteArrayAsync());
        var htmx = await client.SendAsync(Htmx(HttpMethod.Get, "/e/demo/finances/operations"));
        Assert.Equal(HttpStatusCode.Unauthorized, htmx.StatusCode);
        Assert.True(htmx.Headers.Contains("HX-Redirect"));
        Assert.Empty(await htmx.Content.ReadAsByteArrayAsync());


        // An unknown school has its own page; a file the browser already has is still "not modified".
        Assert.Contains("École introuvable", await (await client.GetAsync("/e/pas-une-ecole/")).Content.ReadAsStringAsync());
        var css = await client.GetAsync("/css/site.css");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/css/site.css");
        again.Headers.IfNoneMatch.Add(css.Headers.ETag!);
        var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/favicon.svg", "image/svg+xml")]
    [InlineData("/favicon.ico", "image/x-icon")]
    [InlineData("/apple-touch-icon.png", "image/png")]
    [InlineData("/e/demo/favicon.svg", "image/svg+xml")]
    public async Task The_icons_are_served_and_kept_in_the_browsers_cache(string path, string type)
    {
        using var client = web.CreateClient();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.MaxAge >= TimeSpan.FromDays(1), $"Cache-Control: {response.Headers.CacheControl}");
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Every_page_links_the_icons()
    {
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        var html = await parent.GetStringAsync("/e/demo/tableau-de-bord");
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">", html);
        Assert.Contains("<link rel=\"icon\" href=\"/favicon.ico\" sizes=\"32x32\">", html);
    }
}

/// <summary>Its own node: the sign-in limit low enough to reach, where the other tests sign in freely.</summary>
public sealed class RateLimitPageTests : IAsyncLifetime
{
    readonly WebNode web = new();

    public async Task InitializeAsync() =>
        await web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), "--ItSchool:RateLimits:SecretsPerMinute=1");

    public Task DisposeAsync() => web.DisposeAsync();

    [Fact]
    public async Task Past_the_limit_the_page_says_when_to_try_again_as_Retry_After_does()
    {
        using var client = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion",
            ("Login", "marc.dubois"), ("Password", "pas le bon"))).StatusCode);

        var refused = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", "marc.dubois"), ("Password", "pas le bon"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var seconds = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
        Assert.InRange(seconds, 1, 60);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("<h1>Trop de tentatives</h1>", html);
        Assert.Contains(seconds == 1 ? "Réessayez dans 1 seconde." : $"Réessayez dans {seconds} secondes.", html);
        Assert.Contains("href=\"/e/demo/tableau-de-bord\"", html);

        using var htmx = new HttpRequestMessage(HttpMethod.Post, "/e/demo/connexion")
        {
            Headers = { { "HX-Request", "true" } },
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Login"] = "marc.dubois" }),
        };
        var sentence = await (await client.SendAsync(htmx)).Content.ReadAsStringAsync();
        Assert.StartsWith("Trop de tentatives. Réessayez dans ", sentence);
    }
}