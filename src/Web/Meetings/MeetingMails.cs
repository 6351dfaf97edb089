using System.Text.Encodings.Web;
using ItSchool.Mail;
using ItSchool.Meetings;
using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Web.Notifications;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meetings;

public enum MeetingChangeKind
{
    Booked,
    Moved,
    Cancelled,
}

/// <summary>A change to one appointment, as the parent is told about it.</summary>
public sealed record MeetingChange(MeetingChangeKind Kind, MeetingEvening Evening, MeetingTeacher Teacher, Guid ParentId, Guid PupilId,
    int Slot, int? FromSlot = null, bool ByStaff = false);

/// <summary>
/// The family's confirmation of each booking, move and cancellation (also when the teacher or the school made
/// it), with the appointment as a calendar file: the parent who holds it and the pupil's other guardians each get one,
/// at their own address, as their preferences route it; a guardian without an address is left out.
/// </summary>
public sealed class MeetingMails(Npgsql.NpgsqlDataSource db, HouseholdAppointments household, LanguageDirectory languages, SchoolDirectory schools,
    SchoolAddresses addresses, NotificationMails notifications, IStringLocalizer<MeetingText> M, TimeProvider clock)
{
    public async Task SendAsync(MeetingChange change, string schoolName, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SendAsync(change, schoolName, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The mails queued in the caller's transaction: sent if and only if it commits.</summary>
    public async Task SendAsync(MeetingChange change, string schoolName, Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        var evening = change.Evening;
        var (recipients, holderName, pupilName) = await household.RecipientsAsync(evening.SchoolId, change.ParentId, change.PupilId, cancellationToken);
        var calendar = MeetingCalendar.For(change, schoolName, pupilName, clock.GetUtcNow());
        var html = HtmlEncoder.Default;
        var readers = await languages.RecipientsAsync(evening.SchoolId, cancellationToken);
        if (await schools.FindByIdAsync(evening.SchoolId, cancellationToken) is not { } school)
        {
            return;
        }
        var home = addresses.Of(school);
        foreach (var recipient in recipients)
        {
            using var language = Cultures.Use(readers.OfUser(evening.SchoolId, recipient.ParentId));
            var time = evening.SlotStart(change.Slot).ToString("HH:mm");
            var day = evening.SlotDay(change.Slot).ToString("dddd d MMMM yyyy");
            var subject = M[$"Mail.{change.Kind}.Subject", change.Teacher.Name, MeetingAnswers.Time(evening, change.Slot)].Value;
            var what = change.Kind switch
            {
                MeetingChangeKind.Moved => M["Mail.Moved.Body", change.Teacher.Name, pupilName, day,
                    MeetingAnswers.Time(evening, change.FromSlot ?? change.Slot), MeetingAnswers.Time(evening, change.Slot)],
                MeetingChangeKind.Cancelled when change.ByStaff => M["Mail.CancelledByStaff.Body", change.Teacher.Name, pupilName, day, time],
                _ => M[$"Mail.{change.Kind}.Body", change.Teacher.Name, pupilName, day, time],
            };
            var paragraphs = new List<string> { M["Mail.Greeting", recipient.FirstName], what };
            if (recipient.ParentId != change.ParentId && holderName.Length > 0)
            {
                paragraphs.Add(M["Mail.Holder", holderName]);
            }
            if (change.Kind != MeetingChangeKind.Cancelled && !string.IsNullOrEmpty(change.Teacher.Room))
            {
                paragraphs.Add(M["Room", change.Teacher.Room]);
            }
            paragraphs.Add(M["Mail.Calendar"]);
            var mail = new OutgoingMail(evening.SchoolId, recipient.Email, recipient.Name, subject,
                string.Join("\n\n", paragraphs), string.Concat(paragraphs.Select(p => $"<p>{html.Encode(p)}</p>")))
            {
                Attachments = [new MailAttachment(M["Mail.CalendarFile"], "text/calendar; method=" + (change.Kind == MeetingChangeKind.Cancelled ? "CANCEL" : "PUBLISH"), calendar)],
            };
            await NotificationRouting.SendAsync(connection, transaction, notifications.For(NotificationKind.Meeting, recipient.ParentId, mail, home, $"{home}/reunions", what),
                clock.GetUtcNow(), cancellationToken);
        }
    }
}