using ItSchool.Work;

namespace ItSchool.Web.Work;

/// <summary>
/// A kind of long work, declared by its feature (<c>builder.Services.AddSingleton&lt;IWorkKind, …&gt;()</c>) and run by
/// <see cref="BackgroundWork"/> on whichever node holds the item. A node can die at any point of a run and another
/// run it again from its start: every step must be safe to repeat (an idempotency key, or
/// <see cref="WorkProgress.StepAsync"/>).
/// </summary>
public interface IWorkKind
{
    /// <summary>The item's kind as stored ("bank-import").</summary>
    string Kind { get; }

    /// <summary>Does (or finishes) the work, reporting progress; where the manager goes once it is over.</summary>
    Task<WorkOutcome> RunAsync(WorkItem item, WorkProgress progress, CancellationToken cancellationToken);
}