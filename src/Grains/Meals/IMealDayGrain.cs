using ItSchool.Wallets;

namespace ItSchool.Meals;

/// <summary>
/// One school's meals on one day, keyed by the school's id and the day as yyyy-MM-dd (<see cref="MealDays.Key"/>):
/// a compound key keeps the school a typed Guid (no parsing, as for every other school-keyed grain) while the
/// day stays readable in logs and in the reminders table. It is the only place that decides that day's
/// bookings, one call at a time, so two parents can never take the last portion.
/// </summary>
public interface IMealDayGrain : IGrainWithGuidCompoundKey
{
    /// <remarks>Idempotent by the request's key: a caller left waiting by a silo that died retries after 10 s, not 30.</remarks>
    [ResponseTimeout("00:00:10")]
    Task<BookingResult> BookAsync(MealBooking request);

    Task<CancelResult> CancelAsync(Guid bookingId, string key, Actor causedBy);

    /// <summary>Closes the day and refunds every booking on it, each once.</summary>
    Task<int> CloseAsync(ClosureReason reason);

    /// <summary>Withdraws an article and refunds its bookings, each once; false if the day has no such article.</summary>
    Task<bool> WithdrawAsync(string articleCode);

    // A page waits on this read: 10 s, not the cluster's 30, when the silo that held the grain has died.
    [ResponseTimeout("00:00:10")]
    Task<IReadOnlyList<MealBookingView>> GetBookingsAsync();

    /// <summary>
    /// Cancels and refunds, each once, the pupil's meals of the day because a guardian reported the pupil absent at
    /// <paramref name="reportedAt"/>: a report after the cut-off releases them only when the school allows it.
    /// </summary>
    Task<AbsenceRelease> ReleaseForAbsenceAsync(Guid pupilId, DateTimeOffset reportedAt, bool evenAfterCutOff, Actor causedBy);
}

public static class MealDays
{
    public static IMealDayGrain Day(this IGrainFactory grains, Guid schoolId, DateOnly day) =>
        grains.GetGrain<IMealDayGrain>(schoolId, Key(day));

    public static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly Parse(string key) => DateOnly.ParseExact(key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A guardian's (or the school's) request to book one article for one pupil; <see cref="Key"/> makes it idempotent.</summary>
[GenerateSerializer, Immutable]
public sealed record MealBooking(
    [property: Id(0)] string Key,
    [property: Id(1)] Guid PupilId,
    [property: Id(2)] string ArticleCode,
    [property: Id(3)] Actor CausedBy);

public enum BookingStatus
{
    Pending = 1,
    Booked = 2,
    Failed = 3,
    Cancelled = 4,
    Refunded = 5,
}

public enum RefundReason
{
    CancelledByGuardian = 1,
    DayClosed = 2,
    ArticleWithdrawn = 3,
    PupilAbsent = 4,
}

public enum ClosureReason
{
    Holiday = 1,
    Strike = 2,
    Trip = 3,
    Other = 4,
}

public enum BookingRefusal
{
    InvalidRequest = 1,
    DayClosed = 2,
    PastOrTooFar = 3,
    AfterCutOff = 4,
    UnknownArticle = 5,
    Withdrawn = 6,
    SoldOut = 7,
    Allergen = 8,
    ClassNotAllowed = 9,
    InsufficientFunds = 10,
    UnknownPupil = 11,
    /// <summary>The purse could not answer; the booking is finished (or undone) by the day's grain on its own.</summary>
    InProgress = 12,
    /// <summary>The purse declined for another reason than money (the article's compartment does not exist for the pupil).</summary>
    PaymentDeclined = 13,
}

[GenerateSerializer, Immutable]
public sealed record MealBookingView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] DateOnly Day,
    [property: Id(3)] string ArticleCode,
    [property: Id(4)] string Label,
    [property: Id(5)] Guid PupilId,
    [property: Id(6)] int Compartment,
    [property: Id(7)] long AmountCents,
    [property: Id(8)] string RequestKey,
    [property: Id(9)] Actor BookedBy,
    [property: Id(10)] BookingStatus Status,
    [property: Id(11)] RefundReason? RefundReason,
    [property: Id(12)] DateTimeOffset CreatedAt)
{
    public string DebitKey => $"meal/{Id}";

    public string RefundKey => $"meal-refund/{Id}";

    public bool Holds => Status is BookingStatus.Pending or BookingStatus.Booked;
}

/// <summary>
/// Booked (<see cref="Booking"/> and the compartment's <see cref="BalanceCents"/> right after the debit) or refused
/// with a code: <see cref="Allergens"/> says which for <see cref="BookingRefusal.Allergen"/>, <see cref="AvailableCents"/>
/// what the compartment can spend for <see cref="BookingRefusal.InsufficientFunds"/>. <see cref="Day"/> is the day as the pupil
/// sees it right after the decision, when the grain read it to decide (not for a replay or a malformed request).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record BookingResult(
    [property: Id(0)] MealBookingView? Booking,
    [property: Id(1)] long? BalanceCents,
    [property: Id(2)] BookingRefusal? Refusal,
    [property: Id(3)] Allergens Allergens,
    [property: Id(4)] long? AvailableCents,
    [property: Id(5)] PupilMealDay? Day = null)
{
    public bool Booked => Refusal is null;

    public static BookingResult Refused(BookingRefusal refusal, Allergens allergens = Allergens.None, long? available = null) =>
        new(null, null, refusal, allergens, available);

    // The decision is the answer, and a replay gives the same one; the day it was decided on is a view of that moment,
    // which a replay does not read again.
    public bool Equals(BookingResult? other) => other is not null && Booking == other.Booking && BalanceCents == other.BalanceCents
        && Refusal == other.Refusal && Allergens == other.Allergens && AvailableCents == other.AvailableCents;

    public override int GetHashCode() => HashCode.Combine(Booking, BalanceCents, Refusal, Allergens, AvailableCents);
}

/// <summary>
/// What an absence did to the pupil's meals of the day: how many stand refunded for it, how many were kept because the
/// report came after the cut-off, and whether everything is done (false: a refund waits for the purse, ask again).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AbsenceRelease([property: Id(0)] int Refunded, [property: Id(1)] int KeptAfterCutOff, [property: Id(2)] bool Finished);

public enum CancelRefusal
{
    UnknownBooking = 1,
    AfterCutOff = 2,
    NotBooked = 3,
    InProgress = 4,
    InvalidRequest = 5,
}

/// <summary>Refunded (<see cref="BalanceCents"/> right after the refund, null when it is still on its way) or refused with a code.</summary>
[GenerateSerializer, Immutable]
public sealed record CancelResult(
    [property: Id(0)] MealBookingView? Booking,
    [property: Id(1)] long? BalanceCents,
    [property: Id(2)] CancelRefusal? Refusal)
{
    public static CancelResult Refused(CancelRefusal refusal) => new(null, null, refusal);
}