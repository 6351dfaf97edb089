using ItSchool.Invoices;
using ItSchool.Wallets;

namespace ItSchool.Tests.Invoices;

/// <summary>The invoice grain's rules for what managers do by hand: payments the school took itself, credit notes that refund.</summary>
public sealed class InvoiceManagerGrainTests(InvoiceCluster invoices) : IClassFixture<InvoiceCluster>
{
    static ManualPayment Cash(string reference, long cents, string note = "Payé au secrétariat, reçu 42") =>
        new(reference, cents, PaymentMethod.Cash, note, InvoiceCluster.Manager);

    [Fact]
    public async Task A_cash_payment_lowers_what_remains_once_per_form_and_never_beyond_it()
    {
        var (id, _) = await invoices.IssueAsync(await invoices.NewPupilAsync());
        var invoice = invoices.Invoice(id);

        var twice = await Task.WhenAll(invoice.RecordManualPaymentAsync(Cash("form-1", 2_000)), invoice.RecordManualPaymentAsync(Cash("form-1", 2_000)));

        Assert.All(twice, outcome => Assert.Equal(new PaymentOutcome(true, null, 2_000, 0, null, 4_000, null), outcome));
        var view = (await invoice.GetAsync())!;
        var movement = Assert.Single(view.Movements);
        Assert.Equal((PaymentMethod.Cash, "Payé au secrétariat, reçu 42", 2_000L), (movement.Method!.Value, movement.Note!, movement.AppliedCents));
        Assert.Equal((2_000L, InvoiceState.PartiallyPaid), (view.PaidCents, view.State));

        Assert.Equal(InvoiceDecline.InvalidAmount, (await invoice.RecordManualPaymentAsync(Cash("form-2", 4_001))).Reason);
        Assert.Equal(InvoiceDecline.ReferenceUsedForAnotherMovement, (await invoice.RecordManualPaymentAsync(Cash("form-1", 1_000))).Reason);
        Assert.Equal(InvoiceDecline.MethodNotOffered,
            (await invoice.RecordManualPaymentAsync(Cash("form-3", 1_000) with { Method = PaymentMethod.Wallet })).Reason);
        Assert.Equal(InvoiceDecline.NoteNeeded, (await invoice.RecordManualPaymentAsync(Cash("form-4", 1_000, " "))).Reason);
        Assert.Equal(InvoiceDecline.NoteNeeded,
            (await invoice.RecordManualPaymentAsync(Cash("form-5", 1_000, new string('x', InvoiceLimits.Note + 1)))).Reason);
        Assert.Single((await invoice.GetAsync())!.Movements);

        var rest = await invoice.RecordManualPaymentAsync(new ManualPayment("form-6", 4_000, PaymentMethod.Other, "Chèque n° 1234", InvoiceCluster.Manager));
        Assert.Equal(0, rest.RemainingCents);
        Assert.Equal(InvoiceState.Paid, (await invoice.GetAsync())!.State);
        Assert.Equal(InvoiceDecline.NothingOwed, (await invoice.RecordManualPaymentAsync(Cash("form-7", 100))).Reason);
        Assert.Equal(2, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoice_movements WHERE invoice_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_credit_note_on_a_paid_invoice_refunds_the_paid_part_to_the_wallet_once()
    {
        var pupil = await invoices.NewPupilAsync();
        var (id, _) = await invoices.IssueAsync(pupil);
        var invoice = invoices.Invoice(id);
        await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-REFUND-1", 6_000, new DateOnly(2026, 11, 10), "Famille"));
        var before = (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents;

        Assert.Equal(InvoiceDecline.RefundNeedsChoice, (await invoice.CreditAsync(new CreditNote("cn-0", 2_000, "Car annulé", InvoiceCluster.Manager))).Reason);
        Assert.Equal(InvoiceDecline.InvalidAmount,
            (await invoice.CreditAsync(new CreditNote("cn-1", 6_001, "Trop", InvoiceCluster.Manager, ExcessHandling.Wallet))).Reason);
        Assert.Equal(InvoiceDecline.NotPaidOnline,
            (await invoice.CreditAsync(new CreditNote("cn-2", 2_000, "Car annulé", InvoiceCluster.Manager, ExcessHandling.Provider))).Reason);
        Assert.Equal(InvoiceDecline.NoteNeeded,
            (await invoice.CreditAsync(new CreditNote("cn-3", 2_000, "", InvoiceCluster.Manager, ExcessHandling.Refund))).Reason);
        Assert.Equal(InvoiceDecline.NothingOwed, (await invoice.CreditAsync(new CreditNote("cn-4", null, "Tout", InvoiceCluster.Manager))).Reason);

        var credit = new CreditNote("cn-5", 2_000, "Car annulé", InvoiceCluster.Manager, ExcessHandling.Wallet);
        var outcomes = await Task.WhenAll(invoice.CreditAsync(credit), invoice.CreditAsync(credit));

        Assert.All(outcomes, o => Assert.Equal(new PaymentOutcome(true, null, 0, 2_000, ExcessHandling.Wallet, 0, null), o));
        var view = (await invoice.GetAsync())!;
        Assert.Equal((6_000L, 2_000L, 4_000L, 2_000L, 0L, InvoiceState.Paid),
            (view.TotalCents, view.CreditedCents, view.PaidCents, view.RefundedCents, view.RemainingCents, view.State));
        Assert.Equal(before + 2_000, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(1, await invoices.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'refund'", ("p", pupil)));
        Assert.Equal(2, (await invoice.GetAsync())!.Movements.Count);
    }

    [Fact]
    public async Task A_credit_note_beyond_what_remains_first_clears_the_debt_then_refunds_and_a_whole_cancellation_refunds_all()
    {
        var pupil = await invoices.NewPupilAsync();
        var (id, _) = await invoices.IssueAsync(pupil);
        var invoice = invoices.Invoice(id);
        await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-REFUND-2", 4_000, new DateOnly(2026, 11, 10), "Famille"));

        var school = await invoice.CreditAsync(new CreditNote("cn-a", 3_000, "Remboursé le 12/11 sur BE68 5390 0754 7034", InvoiceCluster.Manager,
            ExcessHandling.Refund));

        Assert.Equal((2_000L, 1_000L, ExcessHandling.Refund), (school.AppliedCents, school.ExcessCents, school.Excess!.Value));
        var view = (await invoice.GetAsync())!;
        Assert.Equal((3_000L, 3_000L, 0L, InvoiceState.Paid), (view.CreditedCents, view.PaidCents, view.RemainingCents, view.State));

        var cancel = await invoice.CreditAsync(new CreditNote("cn-b", null, "Excursion annulée", InvoiceCluster.Manager, ExcessHandling.Wallet));

        Assert.Equal(3_000, cancel.ExcessCents);
        view = (await invoice.GetAsync())!;
        Assert.Equal((6_000L, 0L, 4_000L, InvoiceState.Credited), (view.CreditedCents, view.PaidCents, view.RefundedCents, view.State));
        Assert.Equal(3_000, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(InvoiceDecline.NothingOwed,
            (await invoice.CreditAsync(new CreditNote("cn-c", 100, "Encore", InvoiceCluster.Manager, ExcessHandling.Wallet))).Reason);
        // The database holds the same sums as the grain: paid money is never negative, credited never beyond the total.
        Assert.Equal(0, await invoices.Database.ScalarAsync<long>("SELECT paid_cents FROM invoices WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_refund_through_the_provider_is_split_over_the_online_payments_and_never_beyond_them()
    {
        var (id, _) = await invoices.IssueAsync(await invoices.NewPupilAsync());
        var invoice = invoices.Invoice(id);
        var provider = new Actor(ActorKind.PaymentProvider, "sandbox", "sandbox");
        await invoice.PayOnlineAsync(new OnlineInvoicePayment("sandbox/sbx_first", 2_000, PaymentMethod.Bancontact, provider));
        await invoice.PayOnlineAsync(new OnlineInvoicePayment("sandbox/sbx_second", 3_000, PaymentMethod.Card, provider));
        await invoice.RecordManualPaymentAsync(Cash("cash-1", 1_000));

        Assert.Equal(5_000, (await invoice.GetAsync())!.OnlineRefundableCents);
        Assert.True((await invoice.CreditAsync(new CreditNote("cn-1", 2_500, "Repas annulés", InvoiceCluster.Manager, ExcessHandling.Provider))).Accepted);
        Assert.True((await invoice.CreditAsync(new CreditNote("cn-2", 2_000, "Sortie annulée", InvoiceCluster.Manager, ExcessHandling.Provider))).Accepted);
        Assert.Equal(InvoiceDecline.NotPaidOnline,
            (await invoice.CreditAsync(new CreditNote("cn-3", 1_000, "Encore", InvoiceCluster.Manager, ExcessHandling.Provider))).Reason);

        var rows = await invoices.Database.ScalarAsync<string[]>(
            "SELECT array_agg(provider || ':' || provider_payment_id || ':' || amount_cents || ':' || status ORDER BY key) FROM invoice_provider_refunds WHERE invoice_id = @id",
            ("id", id));
        Assert.Equal(["sandbox:sbx_first:2000:pending", "sandbox:sbx_second:500:pending", "sandbox:sbx_second:2000:pending"], rows);
        var view = (await invoice.GetAsync())!;
        Assert.Equal((500L, 4_500L, 1_500L), (view.OnlineRefundableCents, view.CreditedCents, view.PaidCents));
    }

    [Fact]
    public async Task A_label_longer_than_the_form_allows_is_refused_and_nothing_is_issued()
    {
        var pupil = await invoices.NewPupilAsync();
        var trip = InvoiceCluster.Trip(pupil);
        var before = await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoices");

        Assert.Equal(IssueProblem.LabelTooLong,
            (await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { Label = new string('é', 500) })).Problem);
        Assert.Equal(IssueProblem.LabelTooLong, (await invoices.Invoice(Guid.NewGuid()).IssueAsync(
            trip with { Lines = [new InvoiceLine(new string('x', InvoiceLimits.IssuedLineLabel + 1), 1, 100)] })).Problem);
        Assert.Null((await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { Label = new string('é', InvoiceLimits.Label) })).Problem);
        Assert.Equal(before + 1, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoices"));
    }
}