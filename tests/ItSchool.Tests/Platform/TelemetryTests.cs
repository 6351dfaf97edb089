using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ItSchool.BankStatements;
using ItSchool.Tests.BankStatements;
using ItSchool.Tests.Operators;
using ItSchool.Tests.PointOfSale;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans;

namespace ItSchool.Tests.Platform;

public sealed class TelemetryTests(TelemetryNode web) : IClassFixture<TelemetryNode>
{
    const string Chloe = "04A1B2C3D4E504";

    [Fact]
    public async Task A_sale_is_one_trace_from_the_HTTP_request_through_the_purse_grain_to_the_ledger_commit()
    {
        var trace = ActivityTraceId.CreateRandom();
        using var terminal = PosRequests.Terminal(web);
        using var sale = PosRequests.Sale($"trace/{trace}", PosRequests.Body(Chloe, ("JUS", 1)));
        sale.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(sale)).StatusCode);

        IReadOnlyList<Activity> spans = [];
        await Eventually.TrueAsync(() =>
        {
            spans = [.. web.Spans.Snapshot().Where(s => s.TraceId == trace)];
            // The request's own span ends after its response is sent, so it may come after the client has the answer.
            return spans.Any(IsLedgerCommit) && spans.Any(s => s.Source.Name == "Microsoft.AspNetCore");
        }, because: "the ledger's insert and the request are traced under the sale's trace");
        var request = Assert.Single(spans, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal(ActivityKind.Server, request.Kind);
        var grainCall = Assert.Single(spans, s => s.Source.Name == "Microsoft.Orleans.Application" && s.Kind == ActivityKind.Server
            && s.DisplayName.Contains("PurseGrain") && s.DisplayName.Contains("Debit"));
        Assert.True(IsUnder(grainCall, request, spans), "the purse's call hangs from the request");
        var commit = spans.First(IsLedgerCommit);
        Assert.True(IsUnder(commit, grainCall, spans), "the ledger commit hangs from the purse's call");
    }

    [Fact]
    public void Grain_calls_carry_the_trace_when_traces_are_exported()
    {
        Assert.Contains(web.Services.GetServices<IIncomingGrainCallFilter>(), filter => filter.GetType().Name.Contains("ActivityPropagation"));
        Assert.Contains(web.Services.GetServices<IOutgoingGrainCallFilter>(), filter => filter.GetType().Name.Contains("ActivityPropagation"));
    }

    [Fact]
    public async Task Sales_by_outcome_declines_by_code_purse_batches_and_the_outbox_are_on_the_metrics_endpoint()
    {
        using var terminal = PosRequests.Terminal(web);
        var run = Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.Created, (await terminal.SendAsync(PosRequests.Sale($"m/{run}/1", PosRequests.Body(Chloe, ("POMME", 1))))).StatusCode);
        Assert.Equal(HttpStatusCode.PaymentRequired,
            (await terminal.SendAsync(PosRequests.Sale($"m/{run}/2", PosRequests.Body(Chloe, ("JUS", 1000))))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await terminal.SendAsync(PosRequests.Sale($"m/{run}/3", PosRequests.Body("NOSUCHCARD", ("JUS", 1))))).StatusCode);

        using var scraper = web.CreateClient();
        var metrics = "";
        await Eventually.TrueAsync(async () =>
        {
            metrics = await scraper.GetStringAsync("/metrics");
            return Value(metrics, "itschool_pos_sales_total", "outcome=\"accepted\"") >= 1
                && Value(metrics, "itschool_pos_sales_total", "outcome=\"declined\"") >= 1
                && Value(metrics, "itschool_pos_sales_total", "outcome=\"refused\"") >= 1
                && Value(metrics, "itschool_pos_declines_total", "code=\"insufficient_funds\"") >= 1
                && Value(metrics, "itschool_pos_declines_total", "code=\"unknown_card\"") >= 1
                && Value(metrics, "itschool_purse_batch_size_count", "") >= 1
                && Value(metrics, "itschool_mail_outbox_depth", "") >= 0;
        }, because: "the sales, their refusals, the purse's commits and the outbox are measured");
    }

    [Fact]
    public async Task A_live_push_to_a_watching_page_and_a_bank_import_are_timed_on_the_metrics_endpoint()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var topic = PurseChanged.Topic(chloe);
        var cookies = new CookieContainer();
        using var marc = await SignedIn.AsAsync(web, "marc.dubois", cookies: cookies);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(web.DemoSchool, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        var pushed = 0;
        connection.On<string, long, string?, bool>("live", (heard, _, _, _) =>
        {
            if (heard == topic)
            {
                Interlocked.Increment(ref pushed);
            }
        });
        await connection.StartAsync();
        Assert.True(await connection.InvokeAsync<bool>("Watch", topic, -1L));
        using var terminal = PosRequests.Terminal(web);
        Assert.Equal(HttpStatusCode.Created,
            (await terminal.SendAsync(PosRequests.Sale($"live/{Guid.NewGuid():N}", PosRequests.Body(Chloe, ("POMME", 1))))).StatusCode);
        await Eventually.TrueAsync(() => Volatile.Read(ref pushed) > 0, because: "the page watching Chloé's purse hears the sale");

        using var program = web.CreateClient();
        program.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ManagerApiKeys.DemoKey);
        Assert.Equal(HttpStatusCode.OK, (await program.PostAsync("/api/admin/v1/bank-statements",
            new ByteArrayContent(new Statements().Coda([("T1", 100, "libre")])))).StatusCode);

        using var scraper = web.CreateClient();
        await Eventually.TrueAsync(async () =>
        {
            var metrics = await scraper.GetStringAsync("/metrics");
            return Value(metrics, "itschool_live_push_duration_milliseconds_count", "") >= 1
                && Value(metrics, "itschool_bank_import_duration_seconds_count", "status=") >= 1;
        }, because: "the push to the watching page and the import are timed");
    }

    [Fact]
    public async Task The_metrics_answer_the_machine_itself_and_the_signed_in_operator_not_a_request_relayed_by_a_proxy()
    {
        using var relayed = web.CreateClient();
        relayed.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.NotFound, (await relayed.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await relayed.GetAsync("/plateforme/metrics")).StatusCode);
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        parent.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync("/plateforme/metrics")).StatusCode);

        using var local = web.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await local.GetAsync("/metrics")).StatusCode);
        using var operatorClient = await PlatformClient.OperatorOfAsync(web);
        operatorClient.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        var forOperator = await operatorClient.GetAsync("/plateforme/metrics");
        Assert.Equal(HttpStatusCode.OK, forOperator.StatusCode);
        Assert.Contains("# TYPE", await forOperator.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_link_token_in_the_query_string_is_not_exported_with_the_request_span()
    {
        var trace = ActivityTraceId.CreateRandom();
        var token = "TOKN-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        using var client = web.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/e/demo/premiere-connexion?jeton={token}")
        {
            Headers = { { "traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01" } },
        };
        await client.SendAsync(request);

        Activity? span = null;
        await Eventually.TrueAsync(() => (span = web.Spans.Snapshot().FirstOrDefault(s => s.TraceId == trace && s.Source.Name == "Microsoft.AspNetCore")) is not null,
            because: "the request is traced");
        Assert.Contains("jeton=", span!.GetTagItem("url.query") as string);
        Assert.DoesNotContain(span.TagObjects, tag => tag.Value?.ToString()?.Contains(token) == true);
        Assert.DoesNotContain(token, span.DisplayName);
    }

    static bool IsLedgerCommit(Activity span) =>
        span.Source.Name == "Npgsql" && (span.GetTagItem("db.query.text") ?? span.GetTagItem("db.statement")) is string sql
        && sql.Contains("INSERT INTO ledger_entries", StringComparison.OrdinalIgnoreCase);

    static bool IsUnder(Activity span, Activity ancestor, IReadOnlyList<Activity> spans)
    {
        for (var current = span; current is not null; current = spans.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The sum of a Prometheus metric's samples whose labels contain <paramref name="label"/>; -1 when there is none.</summary>
    static double Value(string metrics, string name, string label)
    {
        var samples = Regex.Matches(metrics, $@"^{Regex.Escape(name)}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline)
            .Where(m => m.Groups[1].Value.Contains(label)).Select(m => double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return samples.Count == 0 ? -1 : samples.Sum();
    }
}