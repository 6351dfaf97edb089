using ItSchool.BankStatements;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Invoices;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.BankStatements;

/// <summary>Statements and invoices together: a transfer with an invoice's communication pays that invoice, once.</summary>
public sealed class InvoiceTransferTests(WebNode web) : IClassFixture<WebNode>
{
    static readonly Actor Manager = new(ActorKind.User, "test", "Claire Dupont");

    BankImports Imports => web.Services.GetRequiredService<BankImports>();

    IInvoiceGrain Invoice(Guid id) => web.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvoiceGrain>(id);

    async Task<(Guid Id, InvoiceView View)> IssueAsync(string firstName)
    {
        var id = Guid.CreateVersion7();
        var issued = await Invoice(id).IssueAsync(InvoiceCluster.Trip(await DemoPupils.IdAsync(web, firstName)));
        Assert.Null(issued.Problem);
        return (id, issued.Invoice!);
    }

    [Fact]
    public async Task A_transfer_with_an_invoice_communication_pays_it_and_a_later_overlapping_file_pays_only_the_rest()
    {
        var (id, invoice) = await IssueAsync("Lucas");
        Assert.Equal(6_000, invoice.RemainingCents);
        var statements = new Statements();

        var firstFile = statements.Coda([("F1", 2_000, invoice.Communication.ToString())]);
        var first = await Imports.ImportAsync(DemoSchool.Id, "releve-1.cod", () => new MemoryStream(firstFile), Manager);
        Assert.Equal((ImportStatus.Applied, 1, 0), (first.Status, first.InvoicesPaid, first.Unmatched));
        Assert.Equal(4_000, (await Invoice(id).GetAsync())!.RemainingCents);

        statements.Rewind(0, 0);
        var overlapping = statements.Coda([("F1", 2_000, invoice.Communication.ToString())], [("F2", 4_000, invoice.Communication.Digits)]);
        var second = await Imports.ImportAsync(DemoSchool.Id, "releve-1-2.cod", () => new MemoryStream(overlapping), Manager);

        Assert.Equal((1, 1, 0), (second.Duplicates, second.InvoicesPaid, second.Unmatched));
        var paid = (await Invoice(id).GetAsync())!;
        Assert.Equal((0L, 6_000L, InvoiceState.Paid), (paid.RemainingCents, paid.PaidCents, paid.State));
    }

    [Fact]
    public async Task An_invoice_communication_that_matches_no_invoice_waits_in_the_list_to_resolve()
    {
        var statements = new Statements();
        var unknown = StructuredCommunication.From(2_999_999_990);

        var file = statements.Coda([("U1", 1_500, unknown.ToString())]);
        var report = await Imports.ImportAsync(DemoSchool.Id, "inconnue.cod", () => new MemoryStream(file), Manager);

        Assert.Equal((ImportStatus.Applied, 0, 1), (report.Status, report.InvoicesPaid, report.Unmatched));
    }
}