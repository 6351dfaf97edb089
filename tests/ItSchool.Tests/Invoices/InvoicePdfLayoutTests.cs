using System.Globalization;
using System.Net;
using ItSchool.Invoices;
using ItSchool.Operators;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Invoices;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Npgsql;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;

namespace ItSchool.Tests.Invoices;

/// <summary>
/// The invoice PDF read back word by word: every word inside the margins, no two words on top of each other,
/// long labels wrapped inside their column, many lines running over several pages with their headings.
/// </summary>
public sealed class InvoicePdfLayoutTests(WebNode web) : IClassFixture<WebNode>
{
    const double Margin = 36;
    const string Headings = "Description Quantité Prix unitaire Montant";

    static readonly string LongLabel = "Abonnement annuel à la bibliothèque communale, y compris les frais d'inscription, la carte de lecteur "
        + "plastifiée et l'accès aux ressources numériques pour toute l'année scolaire";

    static readonly string UnbrokenLabel = "Référence-fournisseur-XK-2026-000123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789-abcdefghijklmnopqrstuvwxyz";

    static readonly CultureInfo Belgian = CultureInfo.GetCultureInfo("fr-BE");

    /// <summary>
    /// A label taller than half a page: it cannot wait for the next page, it runs onto it. No form issues one any
    /// more (labels stop at 200 characters), but an invoice issued before still prints.
    /// </summary>
    static readonly string EndlessLabel = string.Join(" ", Enumerable.Range(1, 45).Select(i => $"Étape {i} du voyage scolaire en Ardenne."));

    /// <summary>The longest label a line may have, wrapped over several lines of its column.</summary>
    static readonly string LongestLabel = string.Concat(Enumerable.Repeat("Classe de dépaysement en Ardenne, ", 6))[..InvoiceLimits.LineLabel];

    /// <summary>Forty-odd lines, long and short, with the widest amounts an invoice accepts.</summary>
    static List<InvoiceLine> ManyLines() =>
    [
        new(LongLabel, 2, 4_250),
        new(UnbrokenLabel, 1, 990),
        new(LongestLabel, 1, 45_000),
        new("Matériel de laboratoire", 10_000, 9_999_999),
        .. Enumerable.Range(1, 40).Select(i => i % 7 == 0
            ? new InvoiceLine($"Repas chaud du jour {i} avec potage, plat, dessert et boisson, livré par le traiteur de la commune", 1, 475)
            : new InvoiceLine($"Photocopies, séance {i}", i, 15)),
    ];

    static string Euros(long cents)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = Belgian;
        try
        {
            return Money.Format(cents).Replace('\u202f', ' ').Replace('\u00a0', ' ');
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public async Task A_long_partly_paid_and_credited_invoice_flows_over_pages_without_a_word_overlapping_or_leaving_the_margins()
    {
        var enterprise = EnterpriseNumber.Normalize("0123456749")!;
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var update = db.CreateCommand("UPDATE schools SET postal_address = @address, enterprise_number = @enterprise WHERE id = @id"))
        {
            update.Parameters.AddWithValue("address", "Rue de l'École 12, 1000 Bruxelles");
            update.Parameters.AddWithValue("enterprise", enterprise);
            update.Parameters.AddWithValue("id", DemoSchool.Id);
            await update.ExecuteNonQueryAsync();
        }
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var invoice = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var lines = ManyLines();
        var issued = (await invoice.IssueAsync(new NewInvoice(DemoSchool.Id, lucas, "Frais de l'année scolaire 2026-2027",
            new DateOnly(2026, 12, 16), new DateOnly(2027, 1, 15), lines, InvoiceCluster.Manager))).Invoice!;
        Assert.Null((await invoice.CreditAsync(new CreditNote("PDF-CREDIT", 5_000, "Sortie annulée", InvoiceCluster.Manager))).Reason);
        Assert.Null((await invoice.PayByTransferAsync(new InvoiceTransfer("PDF-PARTIAL", 12_345, new DateOnly(2026, 12, 20), "Famille Lefèvre"))).Reason);
        var remaining = issued.TotalCents - 5_000 - 12_345;
        var parent = await SignedIn.AsAsync(web, "amelie.lefevre");
        await Forms.PostAsync(parent, "/e/demo/comptes", $"/e/demo/comptes/{lucas}");

        var response = await parent.GetAsync($"/e/demo/finances/factures/{issued.Id}/facture.pdf");

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var pdf = PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());
        AssertLaidOut(pdf);
        var pages = pdf.GetPages().Select(Lines).ToList();
        var lastLine = pages.FindIndex(p => p.Any(l => l.StartsWith(lines[^1].Label)));
        Assert.True(lastLine >= 1, $"{lines.Count} lines fit on one page");
        for (var number = 1; number <= pages.Count; number++)
        {
            Assert.Contains(pages[number - 1], l => l.EndsWith($"page {number}/{pages.Count}"));
            if (number <= lastLine + 1)
            {
                Assert.Contains(Headings, pages[number - 1]);
            }
        }
        var first = pages[0];
        Assert.Contains("Rue de l'École 12", first);
        Assert.Contains("1000 Bruxelles", first);
        Assert.Contains(first, l => l.Contains(enterprise));
        Assert.Contains(first, l => l.Contains($"Facture {issued.Number}"));
        Assert.Contains(first, l => l.Contains("16/12/2026"));
        Assert.Contains(first, l => l.Contains("15/01/2027"));

        // Every label is printed whole, in order, left of the quantities; the word too long for a line is cut, not lost.
        var descriptions = pdf.GetPages().SelectMany(page =>
        {
            var words = page.GetWords().ToList();
            var quantities = words.FirstOrDefault(w => w.Text == "Quantité")?.BoundingBox;
            var footer = words.Min(w => w.BoundingBox.Top);
            return words.Where(w => w.BoundingBox.Right < quantities?.Left && w.BoundingBox.Top < quantities?.Bottom && w.BoundingBox.Bottom > footer)
                .OrderByDescending(w => Math.Round(w.Letters[0].StartBaseLine.Y)).ThenBy(w => w.BoundingBox.Left).Select(w => w.Text);
        }).ToList();
        var description = string.Join(" ", descriptions);
        Assert.All(lines.Where(l => l.Label != UnbrokenLabel), line => Assert.Contains(line.Label, description));
        Assert.Contains(UnbrokenLabel, string.Concat(descriptions));

        var all = pages.SelectMany(p => p).ToList();
        Assert.Contains($"Total {Euros(issued.TotalCents)}", all);
        Assert.Contains($"Notes de crédit -{Euros(5_000)}", all);
        Assert.Contains($"Déjà payé -{Euros(12_345)}", all);
        Assert.Contains($"Reste à payer {Euros(remaining)}", all);
        Assert.Contains(issued.Communication.ToString(), all);
        var image = Assert.Single(pdf.GetPages().SelectMany(p => p.GetImages()));
        Assert.True(image.TryGetPng(out var png));
        Assert.Equal(EpcQrPayload.For("École de démo ASBL", DemoWallets.Iban, DemoWallets.Bic, issued.Communication, remaining),
            await QrCodes.DecodeAsync(png));
    }

    [Fact]
    public void A_settled_invoice_without_address_dates_its_payments_in_Brussels_and_asks_for_nothing_more()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Belgian;
        var lateEvening = new DateTimeOffset(2026, 12, 16, 23, 30, 0, TimeSpan.Zero);
        var invoice = new InvoiceView(Guid.NewGuid(), DemoSchool.Id, Guid.NewGuid(), "2026000099", StructuredCommunication.From(2_000_000_991),
            "Classe verte", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31), [new InvoiceLine("Séjour à la mer", 1, 12_000)],
            12_000, 2_000, 10_000, 0,
            [
                new InvoiceMovement(InvoiceMovementKind.Payment, PaymentMethod.BankTransfer, "BANK-1", 2_000, 2_000, 0, null, "Famille Test", null, lateEvening),
                new InvoiceMovement(InvoiceMovementKind.CreditNote, null, "CREDIT-1", 10_000, 10_000, 0, null, null, "Séjour annulé", lateEvening.AddDays(1)),
            ],
            InvoiceState.Paid);
        var school = new InvoicePdf.Issuer("École sans adresse", null, null,
            new WalletSettings(DemoWallets.Iban, DemoWallets.Bic, null, 0, 0, true, false));

        var bytes = InvoicePdf.Render(invoice, school, null, new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero),
            web.Services.GetRequiredService<IStringLocalizer<InvoiceText>>());

        using var pdf = PdfDocument.Open(bytes);
        AssertLaidOut(pdf);
        var page = Lines(Assert.Single(pdf.GetPages()));
        Assert.DoesNotContain(page, l => l.Contains("entreprise") || l.Contains("BCE"));
        Assert.Contains(page, l => l.StartsWith("17/12/2026 Paiement · Virement bancaire · Famille Test"));
        Assert.Contains(page, l => l.StartsWith("18/12/2026 Note de crédit · Séjour annulé"));
        Assert.Contains($"Reste à payer {Euros(0)}", page);
        Assert.Contains("Cette facture est entièrement payée.", page);
        Assert.Contains(page, l => l.EndsWith("Imprimé le 01/01/2027 · page 1/1"));
        Assert.Empty(pdf.GetPage(1).GetImages());
    }

    [Fact]
    public void A_label_taller_than_half_a_page_issued_before_the_limit_runs_onto_the_next_page_inside_the_margins()
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Belgian;
        List<InvoiceLine> lines = [.. ManyLines().Take(20), new(EndlessLabel, 1, 45_000)];
        var total = lines.Sum(l => l.TotalCents);
        var invoice = new InvoiceView(Guid.NewGuid(), DemoSchool.Id, Guid.NewGuid(), "2026000098", StructuredCommunication.From(2_000_000_982),
            "Voyage scolaire", new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31), lines, total, 0, 0, 0, [], InvoiceState.Open);
        var school = new InvoicePdf.Issuer("École de démo", "Rue de l'Exemple 12, 1000 Bruxelles", null,
            new WalletSettings(DemoWallets.Iban, DemoWallets.Bic, null, 0, 0, true, false));

        using var pdf = PdfDocument.Open(InvoicePdf.Render(invoice, school, null, new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero),
            web.Services.GetRequiredService<IStringLocalizer<InvoiceText>>()));

        AssertLaidOut(pdf);
        var pages = pdf.GetPages().Select(Lines).ToList();
        var starts = pages.FindIndex(page => page.Any(l => l.StartsWith("Étape 1 ")));
        var ends = pages.FindIndex(page => page.Any(l => l.Contains("Étape 45 ")));
        Assert.True(starts >= 0 && ends > starts, $"the label runs from page {starts + 1} to page {ends + 1}");
        Assert.Equal(45, pages.SelectMany(p => p).Sum(l => l.Split("Étape ").Length - 1));
    }

    /// <summary>The page's text line by line, top to bottom, as a reader sees it.</summary>
    static List<string> Lines(Page page) =>
        page.GetWords().GroupBy(w => Math.Round(w.Letters[0].StartBaseLine.Y)).OrderByDescending(line => line.Key)
            .Select(line => string.Join(" ", line.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text))).ToList();

    /// <summary>Every word and image inside the margins, and none drawn over another.</summary>
    static void AssertLaidOut(PdfDocument pdf)
    {
        foreach (var page in pdf.GetPages())
        {
            var boxes = page.GetWords().Select(w => (Name: $"'{w.Text}'", Box: w.BoundingBox))
                .Concat(page.GetImages().Select(i => (Name: "the QR code", Box: i.BoundingBox))).ToList();
            Assert.NotEmpty(boxes);
            foreach (var (name, box) in boxes)
            {
                Assert.True(box.Left >= Margin && box.Right <= page.Width - Margin && box.Bottom >= Margin && box.Top <= page.Height - Margin,
                    $"page {page.Number}: {name} at {Describe(box)} leaves the margins");
            }
            for (var i = 0; i < boxes.Count; i++)
            {
                for (var j = i + 1; j < boxes.Count; j++)
                {
                    Assert.False(Overlap(boxes[i].Box, boxes[j].Box),
                        $"page {page.Number}: {boxes[i].Name} at {Describe(boxes[i].Box)} overlaps {boxes[j].Name} at {Describe(boxes[j].Box)}");
                }
            }
        }
    }

    /// <summary>A shared strip thinner than a quarter point is the glyphs' rounding, not an overlap a reader sees.</summary>
    static bool Overlap(PdfRectangle a, PdfRectangle b) =>
        Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left) > 0.25 && Math.Min(a.Top, b.Top) - Math.Max(a.Bottom, b.Bottom) > 0.25;

    static string Describe(PdfRectangle box) => FormattableString.Invariant($"({box.Left:0.#}, {box.Bottom:0.#})–({box.Right:0.#}, {box.Top:0.#})");
}