namespace ItSchool.Absences;

/// <summary>The part of a school day an absence covers; a whole day counts for both halves.</summary>
public enum AbsencePart
{
    Morning,
    Afternoon,
    Day,
}

/// <summary>A reason the school accepts; a justifying one makes the absence justified.</summary>
public sealed record AbsenceReason(string Code, string Label, bool Justifying, int Position);

public enum JustificationStatus
{
    Pending,
    Accepted,
    Refused,
}

/// <summary>A family's justification (or the reason given with an advance report) and what the school decided.</summary>
public sealed record Justification(Guid Id, AbsenceReason Reason, string Comment, string? ScanName, JustificationStatus Status, string? DecisionNote,
    DateTimeOffset SubmittedAt);

/// <summary>
/// An absence as a family reads it; <paramref name="Reason"/> null while nobody gave one (or the school has not accepted
/// the one given), <paramref name="Periods"/> the periods missed when not the whole half-day, <paramref name="Justification"/>
/// the family's latest one.
/// </summary>
public sealed record Absence(Guid Id, Guid PupilId, DateOnly Day, AbsencePart Part, AbsenceReason? Reason, DateTimeOffset RecordedAt,
    AbsenceSource Source = AbsenceSource.Register, IReadOnlyList<int>? Periods = null, Justification? Justification = null)
{
    public bool Justified => Reason?.Justifying == true;

    /// <summary>No reason yet and no justification waiting for the school: the family may still give one, within the school's deadline.</summary>
    public bool AwaitsJustification => Reason is null && Justification?.Status is null or JustificationStatus.Refused;
}

/// <summary>
/// A pupil of a class register for one half-day: absent or not, whether that comes from a whole-day absence, and who wrote
/// it. The register shows a whole day, an import or a family's report but cannot take them back.
/// </summary>
public sealed record RegisterLine(Guid PupilId, string FirstName, string LastName, bool Absent, bool WholeDay, AbsenceSource? Source = null)
{
    public bool Locked => WholeDay || Source is AbsenceSource.Import or AbsenceSource.Report;
}

public enum RegisterRefusal
{
    /// <summary>No pupil of the school is in that class.</summary>
    UnknownClass,

    /// <summary>A ticked pupil is not of that class (another class, another school, no such pupil).</summary>
    NotInClass,

    /// <summary>A Saturday or a Sunday: no lessons, no register.</summary>
    NotASchoolDay,

    /// <summary>A day still to come.</summary>
    Future,
}

/// <summary>A register's save: refused and nothing written, or the number of the class's pupils now absent that half-day.</summary>
public sealed record RegisterSaved(RegisterRefusal? Refusal, int Absent);