using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceGrainTests(InvoiceCluster invoices) : IClassFixture<InvoiceCluster>
{
    static readonly InvoiceSettings ToWallet = InvoiceSettings.Default;

    [Fact]
    public async Task Issuing_numbers_invoices_per_school_and_year_with_their_own_invoice_communication()
    {
        var pupil = await invoices.NewPupilAsync();
        var (_, first) = await invoices.IssueAsync(pupil);
        var (_, second) = await invoices.IssueAsync(pupil);
        var nextYear = await invoices.Invoice(Guid.CreateVersion7())
            .IssueAsync(InvoiceCluster.Trip(pupil) with { IssuedOn = new DateOnly(2027, 1, 4), DueOn = new DateOnly(2027, 2, 1) });

        Assert.Equal(6_000, first.TotalCents);
        Assert.StartsWith("2026", first.Number);
        Assert.Equal(long.Parse(first.Number) + 1, long.Parse(second.Number));
        Assert.Equal("2027000001", nextYear.Invoice!.Number);
        Assert.Equal(2, first.Communication.Number / 1_000_000_000);
        Assert.NotEqual(first.Communication, second.Communication);
        Assert.True(StructuredCommunication.TryParse(first.Communication.ToString(), out _));
    }

    [Fact]
    public async Task The_lookup_finds_an_invoice_by_its_communication_in_its_own_school_only()
    {
        var pupil = await invoices.NewPupilAsync();
        var (id, view) = await invoices.IssueAsync(pupil);

        Assert.Equal(id, await new InvoiceLookup(invoices.Database.Db).FindByCommunicationAsync(DemoSchool.Id, view.Communication.Digits, default));
        Assert.Equal(id, await new InvoiceLookup(invoices.Database.Db).FindByCommunicationAsync(DemoSchool.Id, view.Communication.ToString(), default));
        Assert.Null(await new InvoiceLookup(invoices.Database.Db).FindByCommunicationAsync(Guid.NewGuid(), view.Communication.Digits, default));
        var wrongCheck = view.Communication.Digits[..10] + ((view.Communication.Check % 97) + 1).ToString("D2");
        Assert.Null(await new InvoiceLookup(invoices.Database.Db).FindByCommunicationAsync(DemoSchool.Id, wrongCheck, default));
        var wallet = (await invoices.Purse(pupil).GetCompartmentsAsync())[0].Communication;
        Assert.Null(await new InvoiceLookup(invoices.Database.Db).FindByCommunicationAsync(DemoSchool.Id, wallet.Digits, default));
    }

    [Fact]
    public async Task Bad_invoices_are_refused_and_nothing_is_written()
    {
        var pupil = await invoices.NewPupilAsync();
        var before = await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoices");
        var trip = InvoiceCluster.Trip(pupil);

        Assert.Equal(IssueProblem.NoLines, (await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { Lines = [] })).Problem);
        Assert.Equal(IssueProblem.InvalidLine,
            (await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { Lines = [new InvoiceLine("Entrée", 1, -5)] })).Problem);
        Assert.Equal(IssueProblem.DueBeforeIssue,
            (await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { DueOn = trip.IssuedOn.AddDays(-1) })).Problem);
        // A pupil of another school (a forged id) cannot be billed by this one.
        Assert.Equal(IssueProblem.UnknownPupil,
            (await invoices.Invoice(Guid.NewGuid()).IssueAsync(trip with { PupilId = Guid.NewGuid() })).Problem);
        Assert.Equal(before, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoices"));
    }

    [Fact]
    public async Task Issuing_the_same_id_twice_makes_one_invoice()
    {
        var pupil = await invoices.NewPupilAsync();
        var id = Guid.CreateVersion7();
        var first = await invoices.Invoice(id).IssueAsync(InvoiceCluster.Trip(pupil));
        var again = await invoices.Invoice(id).IssueAsync(InvoiceCluster.Trip(pupil));

        Assert.Equal(first.Invoice!.Number, again.Invoice!.Number);
        Assert.Equal(1, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE id = @id", ("id", id)));
        Assert.Equal(IssueProblem.AlreadyIssuedOtherwise,
            (await invoices.Invoice(id).IssueAsync(InvoiceCluster.Trip(pupil, unitCents: 999))).Problem);
    }

    [Fact]
    public async Task Partial_transfers_pay_the_invoice_and_the_same_bank_reference_pays_once()
    {
        await invoices.SetSettingsAsync(ToWallet);
        var pupil = await invoices.NewPupilAsync();
        var (id, _) = await invoices.IssueAsync(pupil);
        var invoice = invoices.Invoice(id);

        var first = await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-0001", 2_000, new DateOnly(2026, 11, 5), "Lefèvre A."));
        Assert.Equal(InvoiceState.PartiallyPaid, (await invoice.GetAsync())!.State);
        var replay = await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-0001", 2_000, new DateOnly(2026, 11, 5), "Lefèvre A."));
        var second = await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-0002", 4_000, new DateOnly(2026, 11, 9), "Lefèvre A."));

        Assert.Equal(new PaymentOutcome(true, null, 2_000, 0, null, 4_000, null), first);
        Assert.Equal(first, replay);
        Assert.Equal(0, second.RemainingCents);
        var view = (await invoice.GetAsync())!;
        Assert.Equal(InvoiceState.Paid, view.State);
        Assert.Equal(6_000, view.PaidCents);
        Assert.Equal(6_000, await invoices.Database.ScalarAsync<long>("SELECT paid_cents FROM invoices WHERE id = @id", ("id", id)));
        Assert.Equal(2, await invoices.Database.ScalarAsync<long>("SELECT count(*) FROM invoice_movements WHERE invoice_id = @id", ("id", id)));

        var reused = await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-0001", 9_999, new DateOnly(2026, 11, 5), null));
        Assert.Equal(InvoiceDecline.ReferenceUsedForAnotherMovement, reused.Reason);
    }

    [Fact]
    public async Task An_overpayment_goes_to_the_wallet_when_the_school_says_so()
    {
        await invoices.SetSettingsAsync(ToWallet);
        var pupil = await invoices.NewPupilAsync();
        var (id, _) = await invoices.IssueAsync(pupil);

        var outcome = await invoices.Invoice(id).PayByTransferAsync(new InvoiceTransfer("BANK-OVER-1", 7_500, new DateOnly(2026, 11, 5), null));
        var again = await invoices.Invoice(id).PayByTransferAsync(new InvoiceTransfer("BANK-OVER-1", 7_500, new DateOnly(2026, 11, 5), null));

        Assert.Equal(new PaymentOutcome(true, null, 6_000, 1_500, ExcessHandling.Wallet, 0, null), outcome);
        Assert.Equal(outcome, again);
        Assert.Equal(1_500, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(1, await invoices.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'refund'", ("p", pupil)));
    }

    [Fact]
    public async Task An_overpayment_is_flagged_for_the_manager_when_the_school_says_so()
    {
        await invoices.SetSettingsAsync(ToWallet with { Overpayment = ExcessHandling.Flag });
        try
        {
            var pupil = await invoices.NewPupilAsync();
            var (id, _) = await invoices.IssueAsync(pupil);
            await invoices.Invoice(id).PayByTransferAsync(new InvoiceTransfer("BANK-FLAG-1", 5_000, new DateOnly(2026, 11, 5), null));

            var outcome = await invoices.Invoice(id).PayByTransferAsync(new InvoiceTransfer("BANK-FLAG-2", 2_000, new DateOnly(2026, 11, 6), null));

            Assert.Equal(new PaymentOutcome(true, null, 1_000, 1_000, ExcessHandling.Flag, 0, null), outcome);
            Assert.Equal(1_000, (await invoices.Invoice(id).GetAsync())!.FlaggedCents);
            Assert.Equal(0, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        }
        finally
        {
            await invoices.SetSettingsAsync(ToWallet);
        }
    }

    [Fact]
    public async Task A_flagged_excess_is_settled_to_the_wallet_or_as_refunded_once_and_never_beyond_what_is_flagged()
    {
        await invoices.SetSettingsAsync(ToWallet with { Overpayment = ExcessHandling.Flag });
        try
        {
            var pupil = await invoices.NewPupilAsync();
            var (id, _) = await invoices.IssueAsync(pupil);
            var invoice = invoices.Invoice(id);
            await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-SETTLE-1", 7_500, new DateOnly(2026, 11, 5), "A. Payeur"));
            Assert.Equal(1_500, (await invoice.GetAsync())!.FlaggedCents);
            var manager = new Actor(ActorKind.User, null, "Claire Dupont");

            var tooMuch = await invoice.SettleExcessAsync(new ExcessSettlement("form-1", 1_501, ExcessHandling.Wallet, "", manager));
            var flagAgain = await invoice.SettleExcessAsync(new ExcessSettlement("form-1", 100, ExcessHandling.Flag, "", manager));
            var toWallet = await invoice.SettleExcessAsync(new ExcessSettlement("form-2", 400, ExcessHandling.Wallet, "", manager));
            var twice = await invoice.SettleExcessAsync(new ExcessSettlement("form-2", 400, ExcessHandling.Wallet, "", manager));
            var refunded = await invoice.SettleExcessAsync(new ExcessSettlement("form-3", 1_100, ExcessHandling.Refund, "Virement du 6/11", manager));
            var nothingLeft = await invoice.SettleExcessAsync(new ExcessSettlement("form-4", 1, ExcessHandling.Refund, "x", manager));

            Assert.Equal((false, InvoiceDecline.InvalidAmount), (tooMuch.Accepted, tooMuch.Reason));
            Assert.Equal((false, InvoiceDecline.InvalidAmount), (flagAgain.Accepted, flagAgain.Reason));
            Assert.Equal(new PaymentOutcome(true, null, 0, 400, ExcessHandling.Wallet, 0, null), toWallet);
            Assert.Equal(toWallet, twice);
            Assert.Equal(new PaymentOutcome(true, null, 0, 1_100, ExcessHandling.Refund, 0, null), refunded);
            Assert.Equal((false, InvoiceDecline.NothingFlagged), (nothingLeft.Accepted, nothingLeft.Reason));
            var view = (await invoice.GetAsync())!;
            Assert.Equal((0L, 6_000L, InvoiceState.Paid), (view.FlaggedCents, view.PaidCents, view.State));
            Assert.Equal(400, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
            Assert.Equal("Virement du 6/11", view.Movements.Single(m => m.Excess == ExcessHandling.Refund).Note);
        }
        finally
        {
            await invoices.SetSettingsAsync(ToWallet);
        }
    }

    [Fact]
    public async Task Credit_notes_lower_what_is_owed_partly_or_wholly_and_never_below_zero()
    {
        var pupil = await invoices.NewPupilAsync();
        var (id, _) = await invoices.IssueAsync(pupil);
        var invoice = invoices.Invoice(id);

        var partial = await invoice.CreditAsync(new CreditNote("cn-1", 1_000, "Car annulé", InvoiceCluster.Manager));
        Assert.Equal(5_000, partial.RemainingCents);
        Assert.Equal(InvoiceDecline.InvalidAmount,
            (await invoice.CreditAsync(new CreditNote("cn-2", 5_001, "Trop", InvoiceCluster.Manager))).Reason);
        var rest = await invoice.CreditAsync(new CreditNote("cn-3", null, "Excursion annulée", InvoiceCluster.Manager));

        Assert.Equal(0, rest.RemainingCents);
        var view = (await invoice.GetAsync())!;
        Assert.Equal(InvoiceState.Credited, view.State);
        Assert.Equal(6_000, view.CreditedCents);
        Assert.Equal(InvoiceDecline.NothingOwed, (await invoice.CreditAsync(new CreditNote("cn-4", null, "", InvoiceCluster.Manager))).Reason);
        // Money still arriving for a cancelled invoice is not lost: it all counts as excess.
        var late = await invoice.PayByTransferAsync(new InvoiceTransfer("BANK-LATE", 1_000, new DateOnly(2026, 11, 20), null));
        Assert.Equal(1_000, late.ExcessCents);

        var delete = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var command = invoices.Database.Db.CreateCommand("DELETE FROM invoices WHERE id = @id");
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        });
        Assert.Contains("never deleted", delete.MessageText);
    }

    [Fact]
    public async Task A_wallet_payment_debits_the_purse_and_pays_the_invoice_once_for_one_key()
    {
        await invoices.SetSettingsAsync(ToWallet);
        var pupil = await invoices.NewPupilAsync();
        await invoices.Purse(pupil).CreditAsync(InvoiceCluster.TopUp(10_000));
        var (id, _) = await invoices.IssueAsync(pupil);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            invoices.Invoice(id).PayFromWalletAsync(new WalletPayment("click-1", null, InvoiceCluster.Manager))));

        Assert.All(clicks, c => Assert.Equal(new PaymentOutcome(true, null, 6_000, 0, null, 0, null), c));
        Assert.Equal(4_000, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(InvoiceState.Paid, (await invoices.Invoice(id).GetAsync())!.State);
        Assert.Equal(InvoiceDecline.NothingOwed,
            (await invoices.Invoice(id).PayFromWalletAsync(new WalletPayment("click-2", null, InvoiceCluster.Manager))).Reason);
        Assert.Equal(1, await invoices.Database.ScalarAsync<long>(
            "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'invoice_payment'", ("p", pupil)));
    }

    [Fact]
    public async Task A_short_wallet_pays_part_when_the_school_allows_it_and_nothing_otherwise()
    {
        var pupil = await invoices.NewPupilAsync();
        await invoices.Purse(pupil).CreditAsync(InvoiceCluster.TopUp(2_500));
        var (id, _) = await invoices.IssueAsync(pupil);

        await invoices.SetSettingsAsync(ToWallet with { PartialWalletEnabled = false });
        try
        {
            var refused = await invoices.Invoice(id).PayFromWalletAsync(new WalletPayment("short-1", null, InvoiceCluster.Manager));
            Assert.Equal(InvoiceDecline.InsufficientFunds, refused.Reason);
            Assert.Equal(2_500, refused.AvailableCents);
            Assert.Equal(2_500, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);

            await invoices.SetSettingsAsync(ToWallet with { WalletEnabled = false });
            Assert.Equal(InvoiceDecline.MethodNotOffered,
                (await invoices.Invoice(id).PayFromWalletAsync(new WalletPayment("short-2", null, InvoiceCluster.Manager))).Reason);
        }
        finally
        {
            await invoices.SetSettingsAsync(ToWallet);
        }

        var part = await invoices.Invoice(id).PayFromWalletAsync(new WalletPayment("short-3", null, InvoiceCluster.Manager));
        Assert.Equal(2_500, part.AppliedCents);
        Assert.Equal(3_500, part.RemainingCents);
        Assert.Equal(0, (await invoices.Purse(pupil).GetCompartmentsAsync())[0].BalanceCents);
        Assert.Equal(InvoiceState.PartiallyPaid, (await invoices.Invoice(id).GetAsync())!.State);
    }

    [Fact]
    public async Task An_unknown_invoice_id_declines_every_payment()
    {
        var ghost = invoices.Invoice(Guid.NewGuid());
        Assert.Null(await ghost.GetAsync());
        Assert.Equal(InvoiceDecline.UnknownInvoice,
            (await ghost.PayByTransferAsync(new InvoiceTransfer("X", 100, new DateOnly(2026, 1, 1), null))).Reason);
        Assert.Equal(InvoiceDecline.UnknownInvoice,
            (await ghost.PayFromWalletAsync(new WalletPayment("X", null, InvoiceCluster.Manager))).Reason);
        Assert.Equal(InvoiceDecline.UnknownInvoice, (await ghost.CreditAsync(new CreditNote("X", null, "", InvoiceCluster.Manager))).Reason);
    }
}