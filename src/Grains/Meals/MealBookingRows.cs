using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// A booking, written as booked in the same commit as its debit. A booking a crash left 'pending' (written by an
/// earlier version before its debit) becomes booked the same way.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record MealBookingWritten([property: Id(0)] MealBookingView Booking, [property: Id(1)] DateTimeOffset At) : LedgerAttachment
{
    public override IEnumerable<NpgsqlBatchCommand> Commands() => [Insert(Booking, "booked", "booked_at", At)];

    /// <summary>The booking's row in <paramref name="status"/>, or a row left 'pending' by an earlier version moved to it.</summary>
    internal static NpgsqlBatchCommand Insert(MealBookingView booking, string status, string stampColumn, DateTimeOffset at)
    {
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO meal_bookings (id, school_id, day, article_code, label, pupil_id, compartment, amount_cents, request_key,
                                       booked_by_kind, booked_by_id, booked_by_name, status, debit_key, created_at, {stampColumn})
            VALUES (@id, @school, @day, @code, @label, @pupil, @compartment, @amount, @key, @kind, @actor_id, @actor_name, '{status}', @debit, @created, @at)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, {stampColumn} = excluded.{stampColumn} WHERE meal_bookings.status = 'pending'
            """);
        command.Parameters.AddWithValue("id", booking.Id);
        command.Parameters.AddWithValue("school", booking.SchoolId);
        command.Parameters.AddWithValue("day", booking.Day);
        command.Parameters.AddWithValue("code", booking.ArticleCode);
        command.Parameters.AddWithValue("label", booking.Label);
        command.Parameters.AddWithValue("pupil", booking.PupilId);
        command.Parameters.AddWithValue("compartment", (short)booking.Compartment);
        command.Parameters.AddWithValue("amount", booking.AmountCents);
        command.Parameters.AddWithValue("key", booking.RequestKey);
        command.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(booking.BookedBy.Kind));
        command.Parameters.AddWithValue("actor_id", (object?)booking.BookedBy.Id ?? DBNull.Value);
        command.Parameters.AddWithValue("actor_name", (object?)booking.BookedBy.Name ?? DBNull.Value);
        command.Parameters.AddWithValue("debit", booking.DebitKey);
        command.Parameters.AddWithValue("created", booking.CreatedAt);
        command.Parameters.AddWithValue("at", at);
        return command;
    }
}

/// <summary>A booking refunded, written in the same commit as the credit that pays the refund back.</summary>
[GenerateSerializer, Immutable]
public sealed record MealBookingRefunded(
    [property: Id(0)] Guid BookingId,
    [property: Id(1)] RefundReason Reason,
    [property: Id(2)] string? By,
    [property: Id(3)] DateTimeOffset At) : LedgerAttachment
{
    // Through 'cancelled' to 'refunded', as the table lets a booking move: both steps in the credit's commit.
    public override IEnumerable<NpgsqlBatchCommand> Commands() =>
    [
        Command("""
            UPDATE meal_bookings SET status = 'cancelled', refund_reason = @reason, cancelled_by = @by, cancelled_at = @at,
                                     refund_key = 'meal-refund/' || id::text
            WHERE id = @id AND status = 'booked'
            """),
        Command("UPDATE meal_bookings SET status = 'refunded', finished_at = @at WHERE id = @id AND status = 'cancelled'"),
    ];

    NpgsqlBatchCommand Command(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("id", BookingId);
        command.Parameters.AddWithValue("reason", LedgerNames.ToDatabase(Reason));
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)By ?? DBNull.Value });
        command.Parameters.AddWithValue("at", At);
        return command;
    }
}