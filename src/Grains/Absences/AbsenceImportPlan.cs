namespace ItSchool.Absences;

public enum AbsenceImportProblem
{
    TooLarge,
    TooManyLines,
    Empty,
    UnclosedQuote,
    MissingColumn,
    UnknownColumn,
    TooManyFields,
    MissingValue,
    UnknownPupil,
    BadDate,
    NotSchoolDay,
    FutureDay,
    BadPart,
    BadPeriods,
    PeriodsOnWholeDay,
    UnknownReason,
    BadLineId,

    /// <summary>The same line id (or pupil, date and part) as an earlier line, with other values.</summary>
    ConflictingLine,

    /// <summary>The same pupil's same half-day as an earlier line of the file, under another line id.</summary>
    SameHalfDay,

    /// <summary>The line's id names an absence that would move onto a half-day that already has another one.</summary>
    Occupied,
}

/// <summary>What is wrong with a line: a code, the value at fault and, for a clash, the other line.</summary>
public sealed record AbsenceImportError(int Line, AbsenceImportProblem Problem, string? Value = null, int? OtherLine = null);

public enum AbsenceImportChange
{
    Add,
    Update,
    Unchanged,
}

/// <summary>A line of the file and what it does: adds an absence, updates the one it names, or finds it already as it says.</summary>
public sealed record ImportedAbsence(int Line, Guid PupilId, string PupilName, string ClassName, DateOnly Day, AbsencePart Part,
    IReadOnlyList<int>? Periods, string? ReasonCode, string ImportKey, AbsenceImportChange Change, Guid? ExistingId);

/// <summary>What a file would do, or why it cannot: written only when every line is valid.</summary>
public sealed record AbsenceImportPlan(IReadOnlyList<ImportedAbsence> Lines, IReadOnlyList<AbsenceImportError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Lines.Count > 0;

    public int Added => Lines.Count(l => l.Change == AbsenceImportChange.Add);

    public int Updated => Lines.Count(l => l.Change == AbsenceImportChange.Update);

    public int Unchanged => Lines.Count(l => l.Change == AbsenceImportChange.Unchanged);

    public static AbsenceImportPlan Invalid(params AbsenceImportError[] errors) => new([], errors);
}