using System.Diagnostics;
using System.Net;
using System.Text;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace ItSchool.Tests.Wallets;

public sealed class WalletBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task Both_guardians_see_a_credit_arrive_without_reloading()
    {
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        var amelie = await OpenChildAsync("amelie.lefevre", "Benoît");
        var pierre = await OpenChildAsync("pierre.lefevre", "Benoît");
        var before = long.Parse((await Balance(amelie, 1).GetAttributeAsync("data-cents"))!);

        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(benoit);
        var result = await purse.CreditAsync(new Credit("bank/2026-11-23/0042", 1, 1_234, MovementKind.BankTopUp, PaymentMethod.BankTransfer,
            LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "coda", "Extrait bancaire")));
        Assert.True(result.Accepted);

        foreach (var page in new[] { amelie, pierre })
        {
            await Assertions.Expect(Balance(page, 1)).ToHaveAttributeAsync("data-cents", (before + 1_234).ToString());
            await Assertions.Expect(Balance(page, 1)).ToHaveTextAsync(Euros(before + 1_234));
            var newest = page.Locator(".ledger tbody tr").First;
            await Assertions.Expect(newest).ToHaveAttributeAsync("data-entry", result.EntryIds[0].ToString());
            await Assertions.Expect(newest).ToContainTextAsync("12,34 €");
        }
    }

    [Fact]
    public async Task A_page_whose_first_live_connection_fails_connects_again_on_its_own_and_catches_up()
    {
        var page = await OpenChildAsync("marc.dubois", null);
        var sockets = 0;
        await page.RouteWebSocketAsync(new System.Text.RegularExpressions.Regex("/hubs/live"), async socket =>
        {
            // The first socket after the reload is cut before SignalR's handshake, as a node restarting would cut it.
            if (Interlocked.Increment(ref sockets) == 1)
            {
                await socket.CloseAsync();
            }
            else
            {
                socket.ConnectToServer();
            }
        });
        await page.ReloadAsync();
        var body = page.Locator("body");
        await Assertions.Expect(body).ToHaveAttributeAsync("data-live", "disconnected");
        var balance = Balance(page, 1);
        var before = long.Parse((await balance.GetAttributeAsync("data-cents"))!);

        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe).CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, 500,
            MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, Actor.System));

        await Assertions.Expect(body).ToHaveAttributeAsync("data-live", "connected");
        await Assertions.Expect(balance).ToHaveAttributeAsync("data-cents", (before + 500).ToString());
        Assert.Equal(2, sockets);
    }

    [Fact]
    public async Task The_bank_transfer_dialog_shows_a_valid_communication_and_a_QR_code_of_the_EPC_payload()
    {
        var page = await OpenChildAsync("marc.dubois", null);
        await page.Locator(".compartment[data-compartment='1']").GetByText("Recharger").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Par virement bancaire" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("BE71 0961 2345 6769");

        var shown = await dialog.Locator("code.communication").TextContentAsync();
        Assert.True(StructuredCommunication.TryParse(shown, out var communication), $"Not a valid structured communication: {shown}");
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var expected = (await web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe).GetCompartmentsAsync())[0].Communication;
        Assert.Equal(expected, communication);

        var source = await dialog.Locator("img.epc-qr").GetAttributeAsync("src");
        var decoded = await DecodeQrAsync(Convert.FromBase64String(source!["data:image/png;base64,".Length..]));
        Assert.Equal(EpcQrPayload.For("École de démo ASBL", DemoWallets.Iban, DemoWallets.Bic, communication), decoded);
        Assert.StartsWith("BCD\n002\n1\nSCT\n", decoded);
    }

    [Fact]
    public async Task A_parent_moves_money_between_the_two_compartments_and_sees_both_balances_change()
    {
        var page = await OpenChildAsync("marc.dubois", null);
        var general = long.Parse((await Balance(page, 1).GetAttributeAsync("data-cents"))!);
        var meals = long.Parse((await Balance(page, 2).GetAttributeAsync("data-cents"))!);

        await page.Locator(".compartment[data-compartment='2']").GetByText("Recharger").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Transfert interne" }).ClickAsync();
        await page.GetByLabel("Montant (€)").FillAsync("9999");
        await page.GetByRole(AriaRole.Button, new() { Name = "Transférer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Solde insuffisant");

        await page.GetByLabel("Montant (€)").FillAsync("5,25");
        await page.GetByRole(AriaRole.Button, new() { Name = "Transférer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le transfert est effectué.");
        await Assertions.Expect(Balance(page, 1)).ToHaveAttributeAsync("data-cents", (general - 525).ToString());
        await Assertions.Expect(Balance(page, 2)).ToHaveAttributeAsync("data-cents", (meals + 525).ToString());
    }

    [Fact]
    public async Task Another_familys_compartment_or_a_parent_without_an_open_child_gets_not_found()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.Equal(HttpStatusCode.OK, (await marc.GetAsync("/e/demo/portefeuille/1/virement")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await marc.GetAsync("/e/demo/portefeuille/3/virement")).StatusCode);

        using var amelie = await SignedIn.AsAsync(web, "amelie.lefevre");
        Assert.Equal(HttpStatusCode.NotFound, (await amelie.GetAsync("/e/demo/portefeuille/1/virement")).StatusCode);
        using var teacher = await SignedIn.AsAsync(web, "sophie.martin");
        Assert.Equal(HttpStatusCode.NotFound, (await teacher.GetAsync("/e/demo/portefeuille/transfert")).StatusCode);
    }

    [Fact]
    public async Task Submitting_the_same_transfer_form_twice_moves_the_money_once()
    {
        using var marc = await SignedIn.AsAsync(web, "marc.dubois");
        var form = await marc.GetStringAsync("/e/demo/portefeuille/transfert");
        var key = System.Text.RegularExpressions.Regex.Match(form, "name=\"Key\" value=\"([^\"]+)\"").Groups[1].Value;
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var purse = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(chloe);
        var before = (await purse.GetCompartmentsAsync())[0].BalanceCents;

        for (var i = 0; i < 2; i++)
        {
            var response = await marc.PostAsync("/e/demo/portefeuille/transfert", new FormUrlEncodedContent(
            [
                new("Key", key), new("From", "1"), new("To", "2"), new("Amount", "1,00"),
                new("__RequestVerificationToken", Forms.AntiforgeryToken(form)),
            ]));
            Assert.Contains("Le transfert est effectué.", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(before - 100, (await purse.GetCompartmentsAsync())[0].BalanceCents);
    }

    async Task<IPage> OpenChildAsync(string userName, string? child)
    {
        var page = await chromium.SignInToDashboardAsync(web, userName, child);
        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-live", "connected");
        return page;
    }

    static ILocator Balance(IPage page, int compartment) => page.Locator($".compartment[data-compartment='{compartment}'] .balance");

    static string Euros(long cents) => (cents / 100m).ToString("N2", new System.Globalization.CultureInfo("fr-BE")) + " €";


    /// <summary>Reads the QR code with zbar (Debian's zbar-tools), as a banking app's scanner would.</summary>
    static async Task<string> DecodeQrAsync(byte[] png)
    {
        const string zbar = "/usr/bin/zbarimg";
        Assert.True(File.Exists(zbar), "QR decoding needs Debian's zbar-tools (./test.sh installs it): apt-get install -y zbar-tools");
        var file = Path.GetTempFileName() + ".png";
        await File.WriteAllBytesAsync(file, png);
        try
        {
            var start = new ProcessStartInfo(zbar, ["--raw", "-q", "-Sbinary", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            using var output = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(output);
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n');
        }
        finally
        {
            File.Delete(file);
        }
    }
}