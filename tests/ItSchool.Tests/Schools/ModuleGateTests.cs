using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ItSchool.BankStatements;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Schools;

/// <summary>
/// A school that switched a module off answers its pages, htmx fragments (404) and APIs (403 <c>module_disabled</c>)
/// as if the module did not exist; switched back on, they work. Its live topics are refused on the one hub instead
/// (Web/LiveTopicTests). This class has its own node: the demo school's modules go off and on here.
/// </summary>
public sealed class ModuleGateTests(WebNode web) : IClassFixture<WebNode>
{
    const string Parent = "marc.dubois";
    const string Manager = "claire.dupont";
    const string Canteen = "karim.benali";
    const string Chloe = "04A1B2C3D4E504";

    sealed record Probe(string Who, string Method, string Url, bool Htmx = false, (string Name, string Value)[]? Fields = null)
    {
        public override string ToString() => $"{Method} {Url} as {Who}{(Htmx ? " (htmx)" : "")}";
    }

    static Probe[] ProbesOf(SchoolModule module) => module switch
    {
        SchoolModule.Wallets =>
            [
                new(Parent, "GET", "/e/demo/finances/soldes"),
                new(Parent, "GET", "/e/demo/finances/operations", Htmx: true),
                new(Parent, "GET", "/e/demo/portefeuille/transfert", Htmx: true),
                new(Parent, "POST", "/e/demo/portefeuille/transfert", Htmx: true, [("Key", "module-gate"), ("From", "1"), ("To", "2"), ("Amount", "0,01")]),
                new(Parent, "GET", "/e/demo/portefeuille/1/paiement-en-ligne", Htmx: true),
                new(Parent, "POST", "/e/demo/portefeuille/paiement-en-ligne", Htmx: true, [("Compartment", "1"), ("Amount", "5,00"), ("Key", "module-gate")]),
                new(Manager, "GET", "/e/demo/gestion/portefeuilles"),
                new(Manager, "GET", "/e/demo/gestion/portefeuilles/soldes.csv"),
            ],
        SchoolModule.PointOfSale =>
            [
                new(Canteen, "GET", "/e/demo/caisse"),
                new(Canteen, "POST", "/e/demo/caisse/vente", Htmx: true, [("TerminalId", "{terminal}"), ("q.JUS", "0")]),
                new(Parent, "GET", "/e/demo/finances/ventes"),
                new(Parent, "GET", "/e/demo/finances/ventes", Htmx: true),
                new(Manager, "GET", "/e/demo/gestion/caisses"),
                new(Manager, "POST", "/e/demo/gestion/caisses/articles", Fields: [("Code", "GATE"), ("Label", "Essai"), ("Price", "1,00")]),
            ],
        SchoolModule.Invoices =>
            [
                new(Parent, "GET", "/e/demo/finances/factures/"),
                new(Parent, "GET", "/e/demo/finances/factures/lignes", Htmx: true),
                new(Parent, "POST", "/e/demo/finances/factures/selection/portefeuille", Htmx: true),
                new(Manager, "GET", "/e/demo/gestion/factures/"),
                new(Manager, "POST", "/e/demo/gestion/factures/nouvelle"),
            ],
        SchoolModule.BankStatements =>
            [
                new(Manager, "GET", "/e/demo/gestion/releves"),
                new(Manager, "POST", "/e/demo/gestion/releves"),
                new(Manager, "GET", "/e/demo/gestion/releves/a-traiter", Htmx: true),
                new(Manager, "GET", "/e/demo/gestion/cles-api"),
                new(Manager, "POST", "/e/demo/gestion/cles-api", Fields: [("Name", "Programme de test")]),
            ],
        SchoolModule.Meetings =>
            [
                new(Parent, "GET", "/e/demo/reunions"),
                new(Parent, "GET", "/e/demo/reunions", Htmx: true),
                new(Manager, "GET", "/e/demo/gestion/reunions"),
                new(Manager, "POST", "/e/demo/gestion/reunions"),
            ],
        SchoolModule.Absences =>
            [
                new(Parent, "GET", "/e/demo/absences"),
                new(Manager, "GET", "/e/demo/gestion/absences?Class=4B"),
                new(Manager, "POST", "/e/demo/gestion/absences", Fields: [("Class", "1C"), ("Day", "2026-01-05"), ("Part", "morning")]),
                new(Parent, "GET", "/e/demo/absences/signaler"),
                new(Parent, "POST", "/e/demo/absences/signaler", Fields: [("Key", "0194b6f4-0000-7000-8000-000000000001"), ("From", "2027-01-05"),
                    ("Reason", "MALADIE")]),
                new(Manager, "GET", "/e/demo/gestion/absences/justificatifs"),
                new(Manager, "GET", "/e/demo/gestion/absences/motifs"),
                new(Manager, "POST", "/e/demo/gestion/absences/motifs", Fields: [("Code", ""), ("Label", "Sonde")]),
                new(Manager, "POST", "/e/demo/gestion/absences/motifs/AUTRE", Fields: [("Label", "")]),
                new(Manager, "POST", "/e/demo/gestion/absences/motifs/AUTRE/monter"),
                new(Manager, "POST", "/e/demo/gestion/absences/motifs/MALADIE/suppression"),
                new(Manager, "POST", "/e/demo/gestion/absences/motifs/reglages", Fields: [("JustifyWithinDays", "x")]),
                new(Manager, "GET", "/e/demo/gestion/absences/import"),
                new(Manager, "GET", "/e/demo/gestion/absences/import/exemple.csv"),
                new(Manager, "POST", "/e/demo/gestion/absences/import"),
                new(Manager, "POST", "/e/demo/gestion/absences/import/confirmer", Fields: [("Content", "matricule;date;moment\n")]),
                new(Manager, "GET", "/e/demo/gestion/absences/non-justifiees"),
                new(Manager, "GET", "/e/demo/gestion/absences/export.csv"),
            ],
        SchoolModule.Textbooks =>
            [
                new(Parent, "GET", "/e/demo/manuels"),
                new(Manager, "GET", "/e/demo/gestion/manuels"),
                new(Manager, "GET", "/e/demo/gestion/manuels/nouvelle"),
                // Refused as incomplete when the module is on: nothing is created either way.
                new(Manager, "POST", "/e/demo/gestion/manuels/nouvelle", Fields: [("Class", "4B"), ("Year", "2026")]),
            ],
        _ => throw new ArgumentOutOfRangeException(nameof(module)),
    };

    ISchoolGrain School => web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);

    [Theory]
    [InlineData("sophie.martin", SchoolModule.Meetings, "/e/demo/reunions/mes-grilles")]
    [InlineData("karim.benali", SchoolModule.PointOfSale, "/e/demo/caisse")]
    public async Task Teachers_and_canteen_operators_land_on_their_work_and_on_the_dashboard_when_the_school_does_not_use_it(
        string userName, SchoolModule module, string landing)
    {
        async Task<string?> LandingAsync()
        {
            using var client = web.CreateClient();
            var signIn = await Forms.PostAsync(client, "/e/demo/connexion", "/e/demo/connexion", ("Login", userName), ("Password", DemoSchool.Password));
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(signIn.Headers.Location)).StatusCode);
            return signIn.Headers.Location?.OriginalString;
        }

        Assert.Equal(landing, await LandingAsync());
        await School.DisableModuleAsync(module);
        try
        {
            Assert.Equal("/e/demo/tableau-de-bord", await LandingAsync());
        }
        finally
        {
            await School.EnableModuleAsync(module);
        }
    }

    [Theory]
    [InlineData(SchoolModule.Wallets)]
    [InlineData(SchoolModule.PointOfSale)]
    [InlineData(SchoolModule.Invoices)]
    [InlineData(SchoolModule.BankStatements)]
    [InlineData(SchoolModule.Meetings)]
    [InlineData(SchoolModule.Absences)]
    [InlineData(SchoolModule.Textbooks)]
    public async Task A_module_switched_off_refuses_its_pages_fragments_and_hubs_and_switched_on_they_work(SchoolModule module)
    {
        var probes = ProbesOf(module);
        var clients = new Dictionary<string, HttpClient>();
        foreach (var who in probes.Select(p => p.Who).Distinct())
        {
            clients[who] = await SignedIn.AsAsync(web, who);
        }
        var tokens = new Dictionary<string, string>();
        foreach (var (who, client) in clients)
        {
            tokens[who] = Forms.AntiforgeryToken(await client.GetStringAsync("/e/demo/tableau-de-bord"));
        }

        var terminal = (await web.Services.GetRequiredService<Terminals>().ListAsync(DemoSchool.Id))[0].Id.ToString();

        await School.DisableModuleAsync(module);
        try
        {
            foreach (var probe in probes)
            {
                var response = await SendAsync(clients[probe.Who], tokens[probe.Who], terminal, probe);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{probe} with {module} off: {response.StatusCode}");
            }
        }
        finally
        {
            await School.EnableModuleAsync(module);
        }

        foreach (var probe in probes)
        {
            var response = await SendAsync(clients[probe.Who], tokens[probe.Who], terminal, probe);
            Assert.True(response.StatusCode != HttpStatusCode.NotFound && (int)response.StatusCode < 500,
                $"{probe} with {module} on: {response.StatusCode}");
            if (probe.Method == "GET")
            {
                Assert.True(response.IsSuccessStatusCode, $"{probe} with {module} on: {response.StatusCode}");
            }
        }
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient client, string token, string terminal, Probe probe)
    {
        var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
        if (probe.Htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }
        if (probe.Method == "POST")
        {
            request.Headers.Add("RequestVerificationToken", token);
            request.Content = new FormUrlEncodedContent((probe.Fields ?? []).Append(("__RequestVerificationToken", token))
                .Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2.Replace("{terminal}", terminal))));
        }
        return client.SendAsync(request);
    }

    HttpClient WithKey(string key)
    {
        var client = web.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    static async Task AssertModuleDisabledAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("module_disabled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_terminal_api_of_a_school_without_point_of_sale_answers_module_disabled_and_debits_nothing()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        var before = (await purse.GetCompartmentsAsync()).Sum(c => c.BalanceCents);
        using var terminal = WithKey(DemoPos.CanteenKey);
        static HttpRequestMessage Sale() => new(HttpMethod.Post, "/api/pos/v1/sales")
        {
            Headers = { { "Idempotency-Key", "module-off/0001" } },
            Content = new StringContent(
                JsonSerializer.Serialize(new { cardUid = Chloe, lines = new[] { new { articleCode = "JUS", quantity = 1 } } }),
                Encoding.UTF8, "application/json"),
        };

        await School.DisableModuleAsync(SchoolModule.PointOfSale);
        try
        {
            await AssertModuleDisabledAsync(await terminal.SendAsync(Sale()));
            await AssertModuleDisabledAsync(await terminal.GetAsync($"/api/pos/v1/cards/{Chloe}"));
        }
        finally
        {
            await School.EnableModuleAsync(SchoolModule.PointOfSale);
        }
        Assert.Equal(before, (await purse.GetCompartmentsAsync()).Sum(c => c.BalanceCents));

        // The refused sale left no trace: the same sale id is a new sale now.
        var accepted = await terminal.SendAsync(Sale());
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(before - (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("amountCents").GetInt64(),
            (await purse.GetCompartmentsAsync()).Sum(c => c.BalanceCents));
    }

    [Fact]
    public async Task The_bank_statement_api_of_a_school_without_bank_statements_answers_module_disabled()
    {
        using var program = WithKey(ManagerApiKeys.DemoKey);

        await School.DisableModuleAsync(SchoolModule.BankStatements);
        try
        {
            await AssertModuleDisabledAsync(await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([])));
        }
        finally
        {
            await School.EnableModuleAsync(SchoolModule.BankStatements);
        }

        var empty = await program.PostAsync("/api/admin/v1/bank-statements", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }
}