namespace ItSchool.Live;

/// <summary>
/// Something a grain changed that open pages should show at once. It is published to each of its
/// <see cref="Topics"/>: a topic names one thing a page can watch ("purse:{pupilId}"), and only the web nodes
/// whose clients watch that thing hear of it.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record LiveChange([property: Id(0)] Guid SchoolId)
{
    public abstract IReadOnlyList<string> Topics { get; }

    /// <summary>
    /// Grows with every change of the thing (a purse's last ledger entry, a timetable's version), so that a page
    /// can tell a newer state from one it already shows; 0 for changes that only say "read again".
    /// </summary>
    public virtual long Version => 0;
}