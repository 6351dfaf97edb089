using System.Security.Cryptography;
using System.Text;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;

namespace ItSchool.Invoices;

/// <summary>
/// The demo school's invoices for the Lefèvre children, so every colour of the parents' legend shows at once:
/// one overdue, one open, one paid, one credited. Issued through the invoice grains like any other.
/// </summary>
public static class DemoInvoices
{
    static readonly Actor Manager = new(ActorKind.User, null, "Claire Dupont");

    public static async Task IssueAsync(IGrainFactory grains, PupilRegistry registry, DateOnly today, CancellationToken cancellationToken = default)
    {
        var pupils = (await registry.ListAsync(DemoSchool.Id, null, cancellationToken)).Where(p => p.LastName == "Lefèvre")
            .ToDictionary(p => p.FirstName, p => p.Id);

        await IssueAsync(grains, "garderie", pupils["Benoît"], "Garderie Étude — octobre", today.AddDays(-40), today.AddDays(-10),
            [new InvoiceLine("Garderie du soir", 12, 250), new InvoiceLine("Étude dirigée", 4, 300)]);
        await IssueAsync(grains, "excursion", pupils["Lucas"], "Excursion Pairi Daiza", today.AddDays(-5), today.AddDays(25),
            [new InvoiceLine("Entrée", 1, 2_400), new InvoiceLine("Car", 1, 850)]);
        var paid = await IssueAsync(grains, "photos", pupils["Benoît"], "Photos de classe", today.AddDays(-60), today.AddDays(-30),
            [new InvoiceLine("Pochette photos", 1, 1_800)]);
        var credited = await IssueAsync(grains, "neige", pupils["Geneviève"], "Classe de neige — acompte", today.AddDays(-20), today.AddDays(10),
            [new InvoiceLine("Acompte", 1, 15_000)]);

        await grains.GetGrain<IInvoiceGrain>(paid).PayByTransferAsync(new InvoiceTransfer("DEMO-PHOTOS", 1_800, today.AddDays(-35), "Amélie Lefèvre"));
        await grains.GetGrain<IInvoiceGrain>(credited).CreditAsync(new CreditNote("demo-neige", null, "Classe de neige annulée", Manager));
    }

    static async Task<Guid> IssueAsync(IGrainFactory grains, string name, Guid pupil, string label, DateOnly issued, DateOnly due,
        IReadOnlyList<InvoiceLine> lines)
    {
        var id = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"demo-invoice/{name}")).AsSpan(0, 16));
        await grains.GetGrain<IInvoiceGrain>(id).IssueAsync(new NewInvoice(DemoSchool.Id, pupil, label, issued, due, lines, Manager));
        return id;
    }
}