using ItSchool.Meetings;
using ItSchool.Web.Work;
using ItSchool.Work;

namespace ItSchool.Web.Meetings;

/// <summary>
/// The families of a deleted evening told of each cancelled appointment, as background work queued in the deletion's
/// transaction: each appointment's mails are queued in the transaction that counts it done, so each family hears once,
/// whichever node ran the work and however often it was taken up again.
/// </summary>
public sealed class EveningMailsWork(MeetingMails mails) : IWorkKind
{
    public const string Name = "evening-mails";

    /// <summary>The evening as it was (it no longer exists) and the appointments it had.</summary>
    public sealed record Arguments(MeetingEvening Evening, string SchoolName, IReadOnlyList<Appointment> Cancelled);

    public string Kind => Name;

    public async Task<WorkOutcome> RunAsync(WorkItem item, WorkProgress progress, CancellationToken cancellationToken)
    {
        var (evening, schoolName, cancelled) = item.ArgumentsAs<Arguments>();
        await progress.ReportAsync(item.Done, cancelled.Count, cancellationToken);
        for (var i = item.Done; i < cancelled.Count; i++)
        {
            var appointment = cancelled[i];
            await progress.StepAsync(i, (connection, transaction) =>
                evening.Teacher(appointment.TeacherId) is { } teacher
                    ? mails.SendAsync(new MeetingChange(MeetingChangeKind.Cancelled, evening, teacher, appointment.ParentId, appointment.PupilId,
                        appointment.Slot, ByStaff: true), schoolName, connection, transaction, cancellationToken)
                    : Task.CompletedTask, cancellationToken);
        }
        return new WorkOutcome("gestion/reunions", "meeting-deleted", cancelled.Count);
    }
}