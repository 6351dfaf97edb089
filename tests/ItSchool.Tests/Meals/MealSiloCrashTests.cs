using ItSchool.Meals;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>
/// A booking whose silo dies during the purse debit: the booking and its debit are one commit, so the crash leaves neither,
/// and the parent's same request, sent again to a new cluster, books once.
/// </summary>
public sealed class MealSiloCrashTests(MigratedDatabase database) : IClassFixture<MigratedDatabase>
{
    [Fact]
    public async Task A_booking_whose_silo_dies_during_the_debit_leaves_nothing_behind_and_its_retry_books_once()
    {
        var school = Guid.CreateVersion7();
        var pupil = Guid.CreateVersion7();
        var day = MealCluster.InDays(3);
        await using (var setup = database.Db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@school, 'repas-crash', 'École');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@school, 1, 'Général', 0), (@school, 2, 'Repas', 0);
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@pupil, @school, 'Crash', 'Élève', '3A');
            """))
        {
            setup.Parameters.AddWithValue("school", school);
            setup.Parameters.AddWithValue("pupil", pupil);
            await setup.ExecuteNonQueryAsync();
        }
        Assert.Null(await new MealMenus(database.Db, TimeProvider.System).SetDayAsync(school, day, [MealCluster.HotMeal()]));

        var first = await TestSilos.StartAsync(database.ConnectionString, clusterId: "meals-crash-1");
        try
        {
            Assert.True((await first.GrainFactory.GetGrain<IPurseGrain>(pupil).CreditAsync(new Credit("top-up", 2, 1_000, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, MealCluster.Parent))).Accepted);
            // The ledger is locked, so the purse's write (the booking and its debit) hangs; the silo dies there.
            await using var blocker = await database.Db.OpenConnectionAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockLedger = new NpgsqlCommand("LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockLedger.ExecuteNonQueryAsync();
            }
            var booking = first.GrainFactory.Day(school, day).BookAsync(new MealBooking("crash", pupil, "CHAUD", MealCluster.Parent));
            await Eventually.TrueAsync(async () =>
                await CountAsync("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'ledger_entries' AND NOT l.granted") > 0);
            await first.KillSiloAsync(first.Primary!);
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
                // The dead silo's grain may still answer; it must not claim the booking either way.
                Assert.Equal(BookingRefusal.InProgress, (await booking).Refusal);
                throw new InvalidOperationException("answered: in progress");
            });
            Assert.Equal(0, await CountAsync("SELECT count(*) FROM ledger_entries WHERE kind = 'meal_reservation'"));
            Assert.Equal(0, await CountAsync("SELECT count(*) FROM meal_bookings"));
        }
        finally
        {
            await first.DisposeAsync();
        }

        var second = await TestSilos.StartAsync(database.ConnectionString, clusterId: "meals-crash-2");
        try
        {
            var retry = await second.GrainFactory.Day(school, day).BookAsync(new MealBooking("crash", pupil, "CHAUD", MealCluster.Parent));
            var again = await second.GrainFactory.Day(school, day).BookAsync(new MealBooking("crash", pupil, "CHAUD", MealCluster.Parent));

            Assert.True(retry.Booked);
            Assert.Equal(retry, again);
            Assert.Equal(550, retry.BalanceCents);
            Assert.Equal(1, await CountAsync("SELECT count(*) FROM ledger_entries WHERE kind = 'meal_reservation'"));
            Assert.Equal(1, await CountAsync("SELECT count(*) FROM meal_bookings WHERE status = 'booked'"));
            Assert.Equal(550, (await second.GrainFactory.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents);
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    Task<long> CountAsync(string sql) => database.ScalarAsync<long>(sql);
}