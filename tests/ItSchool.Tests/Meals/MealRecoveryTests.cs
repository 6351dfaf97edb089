using ItSchool.Meals;
using ItSchool.Wallets;

namespace ItSchool.Tests.Meals;

/// <summary>
/// What a crash left behind under the version that wrote a booking 'pending' before its debit and 'cancelled' before its
/// refund, written directly as it would be found after the deploy (the grain of that day not active yet): its next
/// activation finishes it, moving each euro once.
/// </summary>
public sealed class MealRecoveryTests(MealCluster meals) : IClassFixture<MealCluster>
{
    async Task<(Guid School, Guid Pupil, DateOnly Day, MealBookingView Pending)> CrashedAfterThePendingRowAsync(long mealCents)
    {
        var school = await meals.NewSchoolAsync();
        var pupil = await meals.NewPupilAsync(school, mealCents);
        var day = MealCluster.InDays(3);
        await meals.MenuAsync(school, day, MealCluster.HotMeal(capacity: 1));
        var pending = new MealBookingView(Guid.CreateVersion7(), school, day, "CHAUD", "Repas chaud", pupil, 2, 450, "crashed-request",
            MealCluster.Parent, BookingStatus.Pending, null, DateTimeOffset.UtcNow);
        await meals.Database.ScalarAsync<object>("""
            INSERT INTO meal_bookings (id, school_id, day, article_code, label, pupil_id, compartment, amount_cents, request_key,
                                       booked_by_kind, booked_by_id, booked_by_name, status, debit_key, created_at)
            VALUES (@id, @school, @day, 'CHAUD', 'Repas chaud', @pupil, 2, 450, 'crashed-request', 'user', 'amelie.lefevre', 'Amélie Lefèvre',
                    'pending', 'meal/' || @id::text, now())
            """, ("id", pending.Id), ("school", school), ("day", day), ("pupil", pupil));
        return (school, pupil, day, pending);
    }

    Debit DebitOf(MealBookingView booking) => new(booking.DebitKey, booking.Compartment, booking.AmountCents, MovementKind.MealReservation,
        PaymentMethod.Wallet, LedgerSubject.MealReservation(booking.Label, booking.Day), booking.BookedBy);

    [Fact]
    public async Task A_booking_interrupted_before_its_debit_is_debited_and_booked_at_the_next_activation()
    {
        var (school, pupil, day, pending) = await CrashedAfterThePendingRowAsync(1_000);

        var bookings = await meals.Day(school, day).GetBookingsAsync();

        Assert.Equal(BookingStatus.Booked, bookings.Single().Status);
        Assert.Equal(550, await meals.MealBalanceAsync(pupil));
        var replay = await meals.Day(school, day).BookAsync(new MealBooking("crashed-request", pupil, "CHAUD", MealCluster.Parent));
        Assert.Equal(pending.Id, replay.Booking!.Id);
        Assert.Equal(550, replay.BalanceCents);
        // The pending row held the last portion all along.
        var other = await meals.NewPupilAsync(school, 1_000);
        Assert.Equal(BookingRefusal.SoldOut, (await meals.Day(school, day).BookAsync(MealCluster.Request(other))).Refusal);
        Assert.Equal(1, await meals.LedgerCountAsync(school, "meal_reservation"));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_booking_whose_debit_landed_before_the_crash_is_booked_without_a_second_debit()
    {
        var (school, pupil, day, pending) = await CrashedAfterThePendingRowAsync(1_000);
        Assert.True((await meals.Purse(pupil).DebitAsync(DebitOf(pending))).Accepted);

        var bookings = await meals.Day(school, day).GetBookingsAsync();

        Assert.Equal(BookingStatus.Booked, bookings.Single().Status);
        Assert.Equal(550, await meals.MealBalanceAsync(pupil));
        Assert.Equal(1, await meals.LedgerCountAsync(school, "meal_reservation"));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_booking_interrupted_before_a_debit_the_purse_can_no_longer_cover_is_undone()
    {
        var (school, pupil, day, _) = await CrashedAfterThePendingRowAsync(300);

        var bookings = await meals.Day(school, day).GetBookingsAsync();

        Assert.Equal(BookingStatus.Failed, bookings.Single().Status);
        Assert.Equal(300, await meals.MealBalanceAsync(pupil));
        Assert.Equal(0, await meals.LedgerCountAsync(school, "meal_reservation"));
        // Its portion is free again.
        var other = await meals.NewPupilAsync(school, 1_000);
        Assert.True((await meals.Day(school, day).BookAsync(MealCluster.Request(other))).Booked);
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task A_refund_owed_when_the_grain_crashed_is_paid_once_at_the_next_activation()
    {
        var (school, pupil, day, pending) = await CrashedAfterThePendingRowAsync(1_000);
        Assert.True((await meals.Purse(pupil).DebitAsync(DebitOf(pending))).Accepted);
        await meals.Database.ScalarAsync<object>("UPDATE meal_bookings SET status = 'booked', booked_at = now() WHERE id = @id", ("id", pending.Id));
        await meals.Database.ScalarAsync<object>("""
            UPDATE meal_bookings SET status = 'cancelled', refund_reason = 'day_closed', cancelled_at = now(), refund_key = 'meal-refund/' || id::text
            WHERE id = @id
            """, ("id", pending.Id));

        var bookings = await meals.Day(school, day).GetBookingsAsync();
        var cancelAgain = await meals.Day(school, day).CancelAsync(pending.Id, "late-click", MealCluster.Parent);

        Assert.Equal(BookingStatus.Refunded, bookings.Single().Status);
        Assert.Equal(BookingStatus.Refunded, cancelAgain.Booking!.Status);
        Assert.Equal(RefundReason.DayClosed, cancelAgain.Booking.RefundReason);
        Assert.Equal(1_000, await meals.MealBalanceAsync(pupil));
        Assert.Equal(1, await meals.LedgerCountAsync(school, "cancellation"));
        await meals.AssertConsistentAsync(school);
    }

    [Fact]
    public async Task The_database_refuses_a_booking_going_back_or_disappearing()
    {
        var (school, pupil, day, pending) = await CrashedAfterThePendingRowAsync(1_000);
        await meals.Day(school, day).GetBookingsAsync();

        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => meals.Database.ScalarAsync<object>(
            "UPDATE meal_bookings SET status = 'pending', booked_at = NULL WHERE id = @id", ("id", pending.Id)));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => meals.Database.ScalarAsync<object>(
            "UPDATE meal_bookings SET amount_cents = 1 WHERE id = @id", ("id", pending.Id)));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => meals.Database.ScalarAsync<object>(
            "DELETE FROM meal_bookings WHERE id = @id", ("id", pending.Id)));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => meals.Database.ScalarAsync<object>(
            "UPDATE meal_articles SET price_cents = -1 WHERE school_id = @s", ("s", school)));
        Assert.Equal(550, await meals.MealBalanceAsync(pupil));
    }
}