using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Tests.Wallets;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Tests.Invoices;

/// <summary>The wallet payment saga when the silo running it dies between the purse debit and the invoice payment.</summary>
public sealed class WalletPaymentRecoveryTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_payment_whose_silo_dies_during_the_purse_debit_is_finished_by_the_reminder_exactly_once()
    {
        await DemoData.SeedAsync(database.Db);
        var pupil = await NewPupilAsync();
        var invoiceId = Guid.CreateVersion7();
        var first = await TestSilos.StartAsync(database.ConnectionString, clusterId: "saga-1");
        try
        {
            await first.GrainFactory.GetGrain<IPurseGrain>(pupil).CreditAsync(WalletCluster.TopUp(10_000));
            Assert.Null((await first.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId).IssueAsync(InvoiceCluster.Trip(pupil))).Problem);

            // The ledger is locked, so the purse's debit hangs once the invoice has written its intent; the silo
            // is killed right there. Whether the debit's write then lands or not is the real-world uncertainty.
            await using var blocker = await database.Db.OpenConnectionAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockLedger = new NpgsqlCommand("LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockLedger.ExecuteNonQueryAsync();
            }
            var paying = first.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId)
                .PayFromWalletAsync(new WalletPayment("attempt-crash", null, InvoiceCluster.Manager));
            await Eventually.TrueAsync(async () => await PendingCountAsync(invoiceId) == 1 && await LockWaitersAsync() > 0);
            await first.KillSiloAsync(first.Primary!);
            // An in-process silo's threads outlive its "kill"; its database session does not, as with a real crash:
            // the debit that was waiting on the lock dies with it, uncommitted.
            await using (var terminate = new NpgsqlCommand("""
                SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'ledger_entries' AND NOT l.granted
                """, blocker, transaction))
            {
                await terminate.ExecuteNonQueryAsync();
            }
            await transaction.RollbackAsync();
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                var answer = await paying;
                // The dead silo's grain may still answer its caller; it must not claim the payment either way.
                Assert.Equal(InvoiceDecline.InProgress, answer.Reason);
                throw new InvalidOperationException("answered: in progress");
            });
            Assert.Equal(1, await PendingCountAsync(invoiceId));
            Assert.Equal(0, await database.ScalarAsync<long>(
                "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'invoice_payment'", ("p", pupil)));
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await TestSilos.StartAsync(database.ConnectionString, clusterId: "saga-2");
        try
        {
            // Nobody opens the invoice: its reminder wakes it to finish the payment.
            await Eventually.TrueAsync(async () => await PendingCountAsync(invoiceId) == 0, TimeSpan.FromMinutes(4));

            var invoice = (await second.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId).GetAsync())!;
            Assert.Equal(InvoiceState.Paid, invoice.State);
            Assert.Equal(4_000, (await second.GrainFactory.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync())[0].BalanceCents);
            Assert.Equal(1, await database.ScalarAsync<long>(
                "SELECT count(*) FROM ledger_entries WHERE pupil_id = @p AND kind = 'invoice_payment'", ("p", pupil)));
            var replay = await second.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId)
                .PayFromWalletAsync(new WalletPayment("attempt-crash", null, InvoiceCluster.Manager));
            Assert.Equal(new PaymentOutcome(true, null, 6_000, 0, null, 0, null), replay);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_interrupted_payment_the_wallet_can_no_longer_cover_is_undone_and_moves_nothing()
    {
        await DemoData.SeedAsync(database.Db);
        var pupil = await NewPupilAsync();
        var invoiceId = Guid.CreateVersion7();
        var first = await TestSilos.StartAsync(database.ConnectionString, clusterId: "saga-undo-1");
        try
        {
            Assert.Null((await first.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId).IssueAsync(InvoiceCluster.Trip(pupil))).Problem);
            // The state a crash right after the saga's first step leaves: the intent written, the purse not yet
            // debited, and meanwhile the purse was emptied by the canteen.
            await new InvoiceStore(database.Db).BeginAsync(new PendingTransfer("wallet/attempt-undo", invoiceId, pupil,
                PendingKind.WalletPayment, 6_000, "Amélie Lefèvre", DateTimeOffset.UtcNow));
            await first.KillSiloAsync(first.Primary!);
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await TestSilos.StartAsync(database.ConnectionString, clusterId: "saga-undo-2");
        try
        {
            var view = (await second.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId).GetAsync())!;

            Assert.Equal(0, await PendingCountAsync(invoiceId));
            Assert.Equal("declined", await database.ScalarAsync<string>(
                "SELECT outcome FROM invoice_pending_transfers WHERE key = 'wallet/attempt-undo'"));
            Assert.Equal(6_000, view.RemainingCents);
            Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE pupil_id = @p", ("p", pupil)));
            var replay = await second.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId)
                .PayFromWalletAsync(new WalletPayment("attempt-undo", null, InvoiceCluster.Manager));
            Assert.Equal(InvoiceDecline.InsufficientFunds, replay.Reason);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    Task<long> PendingCountAsync(Guid invoiceId) => database.ScalarAsync<long>(
        "SELECT count(*) FROM invoice_pending_transfers WHERE invoice_id = @i AND outcome IS NULL", ("i", invoiceId));

    Task<long> LockWaitersAsync() => database.ScalarAsync<long>(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ledger_entries' AND NOT l.granted");

    async Task<Guid> NewPupilAsync()
    {
        var id = Guid.CreateVersion7();
        await using var insert = database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Saga', 'Élève', '6B')");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", DemoSchool.Id);
        await insert.ExecuteNonQueryAsync();
        return id;
    }
}