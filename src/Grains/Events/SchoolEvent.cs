using ItSchool.Schools;

namespace ItSchool.Events;

/// <summary>Who an event is for: the whole school, the pupils of some classes, or some pupils.</summary>
public enum EventAudience
{
    School,
    Classes,
    Pupils,
}

/// <summary>
/// A page of the school an event opens, as a code and its argument ("meeting" and an evening's id, "meals"): the
/// web tier turns it into an address, and drops it when the page is gone (the module switched off, the evening deleted).
/// </summary>
public sealed record EventLink(string Code, string? Argument = null)
{
    public const string Meeting = "meeting";
    public const string Meals = "meals";
    public const string Invoices = "invoices";
}

/// <summary>
/// An event as the school published it. An all-day event runs from the Brussels midnight of its first day to that of
/// the day after its last; a timed one between two moments (UTC, shown in Brussels time).
/// </summary>
public sealed record SchoolEvent(
    Guid Id,
    Guid SchoolId,
    string Title,
    string Text,
    bool AllDay,
    DateTimeOffset Starts,
    DateTimeOffset Ends,
    EventAudience Audience,
    IReadOnlyList<string> Classes,
    IReadOnlyList<Guid> Pupils,
    EventLink? Link,
    int Sequence,
    DateTimeOffset UpdatedAt)
{
    public DateOnly FirstDay => SchoolTime.Day(Starts);

    public DateOnly LastDay => AllDay ? SchoolTime.Day(Ends).AddDays(-1) : SchoolTime.Day(Ends);
}

/// <summary>
/// An event as the manager typed it, read but not yet checked: a date or a time that could not be read is null.
/// Without times it is an all-day event from <see cref="From"/> to <see cref="To"/> (the same day when empty).
/// </summary>
public sealed record EventDraft(
    Guid Id,
    Guid SchoolId,
    string Title,
    string Text,
    DateOnly? From,
    DateOnly? To,
    TimeOnly? Starts,
    TimeOnly? Ends,
    bool TimesTyped,
    EventAudience Audience,
    IReadOnlyList<string> Classes,
    IReadOnlyList<Guid> Pupils,
    EventLink? Link);

public enum EventProblem
{
    TitleMissing,
    TitleTooLong,
    TextTooLong,
    DateMissing,
    TimesIncomplete,
    EndBeforeStart,
    NoClass,
    NoPupil,
    UnknownClass,
    UnknownPupil,
    UnknownLink,
}

/// <summary>What is wrong with a draft; <see cref="Detail"/> names the unknown class, say.</summary>
public sealed record EventRefusal(EventProblem Problem, string? Detail = null);