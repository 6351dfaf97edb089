using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Wallets;

public sealed class SchoolWalletTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task The_manager_sees_every_pupils_balances_searches_and_exports_them()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var page = await manager.GetStringAsync("/e/demo/gestion/portefeuilles");
        foreach (var name in new[] { "Benoît", "Lucas", "Geneviève", "Chloé" })
        {
            Assert.Contains(name, page);
        }
        Assert.Contains("Portefeuille général", page);

        var search = await manager.GetStringAsync("/e/demo/gestion/portefeuilles?q=dubois");
        Assert.Contains("Chloé", search);
        Assert.DoesNotContain("Benoît", search);

        var csv = await manager.GetByteArrayAsync("/e/demo/gestion/portefeuilles/soldes.csv?q=4B");
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var lines = Encoding.UTF8.GetString(csv[3..]).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("\"Classe\";\"Nom\";\"Prénom\";\"Portefeuille général\";\"Repas\"", lines[0]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task A_correction_needs_a_reason_is_a_new_ledger_entry_and_counts_once()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;
        var dialog = await manager.GetStringAsync($"/e/demo/gestion/portefeuilles/{chloe}/correction");
        var key = Regex.Match(dialog, "name=\"Key\" value=\"([^\"]+)\"").Groups[1].Value;

        async Task<string> PostAsync(string amount, string reason) => await (await manager.PostAsync(
            $"/e/demo/gestion/portefeuilles/{chloe}/correction", new FormUrlEncodedContent(
            [
                new("Key", key), new("Compartment", "1"), new("Amount", amount), new("Reason", reason),
                new("__RequestVerificationToken", Forms.AntiforgeryToken(dialog)),
            ]))).Content.ReadAsStringAsync();

        Assert.Contains("Indiquez le motif", await PostAsync("-2,50", ""));
        Assert.Contains("Indiquez un montant", await PostAsync("deux euros", "Erreur de caisse"));
        Assert.Equal(before, (await purse.GetCompartmentsAsync())[0].BalanceCents);

        Assert.Contains("La correction est enregistrée.", await PostAsync("-2,50", "Erreur de caisse du 20/11"));
        Assert.Contains("La correction est enregistrée.", await PostAsync("-2,50", "Erreur de caisse du 20/11"));
        Assert.Equal(before - 250, (await purse.GetCompartmentsAsync())[0].BalanceCents);

        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var operations = await marc.GetStringAsync("/e/demo/finances/operations?periode=Today&type=Correction");
        Assert.Contains("Correction : Erreur de caisse du 20/11", operations);
    }

    [Fact]
    public async Task Settings_refuse_a_bad_IBAN_and_a_new_overdraft_reaches_the_purses()
    {
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        async Task<string> SaveAsync(string iban, string overdraft1) => await (await Forms.PostAsync(manager,
            "/e/demo/gestion/portefeuilles/parametres", "/e/demo/gestion/portefeuilles/parametres",
            ("Beneficiary", "École de démo ASBL"), ("Iban", iban), ("Bic", "GKCCBEBB"), ("BankTransferEnabled", "true"),
            ("OnlineEnabled", "true"), ("OnlineMin", "5,00"), ("OnlineMax", "150,00"),
            ("Name1", "Portefeuille général"), ("Overdraft1", overdraft1), ("Name2", "Repas"), ("Overdraft2", "5,00"))).Content.ReadAsStringAsync();

        Assert.Contains("Cet IBAN n&#x27;est pas valable", await SaveAsync("BE71 0961 2345 6768", "0,00"));
        Assert.Equal(20_000, (await web.Services.GetRequiredService<WalletSettingsStore>().LoadAsync(ItSchool.Schools.DemoSchool.Id))!.OnlineMaxCents);

        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(benoit);
        var balance = (await purse.GetCompartmentsAsync())[0].BalanceCents;
        Assert.False((await purse.DebitAsync(WalletCluster.Sale(balance + 500, key: "overdraft-before"))).Accepted);

        Assert.Contains("Les paramètres sont enregistrés", await SaveAsync("BE68 5390 0754 7034", "10,00"));
        Assert.Equal(15_000, (await web.Services.GetRequiredService<WalletSettingsStore>().LoadAsync(ItSchool.Schools.DemoSchool.Id))!.OnlineMaxCents);
        web.Clock.Advance(PurseGrain.SettingsLifetime + TimeSpan.FromSeconds(1));
        Assert.True((await purse.DebitAsync(WalletCluster.Sale(balance + 500, key: "overdraft-after"))).Accepted);
    }

    [Fact]
    public async Task Only_the_manager_and_only_for_their_own_pupils()
    {
        using var parent = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync("/e/demo/gestion/portefeuilles")).StatusCode);
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/e/demo/gestion/portefeuilles/{Guid.NewGuid()}/correction")).StatusCode);
    }

}