namespace ItSchool.Notifications;

/// <summary>
/// What a notification is about, as a user chooses how to hear of it. Account mails (invitations, password resets,
/// sign-in) are none of these: they are essential, never configurable, never digested, never held.
/// </summary>
public enum NotificationKind
{
    BalanceAlert,
    NewInvoice,
    InvoiceReminder,

    /// <summary>A document published to the family, and the school's "Relancer" of a document or a textbook list.</summary>
    NewDocument,

    /// <summary>An appointment booked, moved or cancelled.</summary>
    Meeting,
    OrderConfirmation,
    AbsenceToJustify,

    /// <summary>The canteen's "nothing booked next week" reminders and the refunds of a closed day.</summary>
    Meals,
}

public static class NotificationKinds
{
    public static readonly IReadOnlyList<NotificationKind> All = Enum.GetValues<NotificationKind>();

    /// <summary>The kind's code in the database and in unsubscribe links: never renamed once out.</summary>
    public static string Code(this NotificationKind kind) => kind switch
    {
        NotificationKind.BalanceAlert => "balance-alert",
        NotificationKind.NewInvoice => "new-invoice",
        NotificationKind.InvoiceReminder => "invoice-reminder",
        NotificationKind.NewDocument => "new-document",
        NotificationKind.Meeting => "meeting",
        NotificationKind.OrderConfirmation => "order",
        NotificationKind.AbsenceToJustify => "absence",
        NotificationKind.Meals => "meals",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static NotificationKind? FromCode(string? code) => All.Cast<NotificationKind?>().FirstOrDefault(kind => kind!.Value.Code() == code);
}

/// <summary>How a user hears of a kind by e-mail.</summary>
public enum EmailChoice
{
    Immediate,
    Digest,
    Off,
}