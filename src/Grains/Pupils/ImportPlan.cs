using ItSchool.Accounts;

namespace ItSchool.Pupils;

/// <summary>
/// What importing a file would do (the preview) or did (after it was applied): pupils created, updated or
/// unchanged, parents created or found, links added — or, when the file has errors, only the errors.
/// </summary>
public sealed record ImportPlan(IReadOnlyList<ImportError> Errors, IReadOnlyList<PlannedPupil> Pupils, IReadOnlyList<PlannedParent> Parents)
{
    public static ImportPlan Invalid(IReadOnlyList<ImportError> errors) => new(errors, [], []);

    public bool IsValid => Errors.Count == 0;

    public int Count(PupilChange change) => Pupils.Count(p => p.Change == change);

    public int NewParents => Parents.Count(p => p.IsNew);

    public int ExistingParents => Parents.Count(p => !p.IsNew);

    public int NewLinks => Pupils.Sum(p => p.Guardians.Count(g => g.IsNew));

    public bool ChangesAnything => Count(PupilChange.Create) + Count(PupilChange.Update) + NewParents + NewLinks > 0;
}

public enum PupilChange
{
    Create,
    Update,
    Unchanged,
}

/// <summary>A pupil of the file; <see cref="Before"/> is what the school had under that pupil number.</summary>
public sealed record PlannedPupil(int Line, PupilDetails Details, Guid? ExistingId, PupilDetails? Before, IReadOnlyList<PlannedLink> Guardians)
{
    public PupilChange Change =>
        Before is null ? PupilChange.Create
        : Before == Details ? PupilChange.Unchanged
        : PupilChange.Update;
}

/// <summary>
/// A guardian of the file: an existing parent account (with its user name), or one to create — whose user
/// name is known once the import is applied.
/// </summary>
public sealed record PlannedParent(int Line, NewParent Parent, Guid? ExistingId, string? UserName)
{
    public bool IsNew => ExistingId is null;
}

public sealed record PlannedLink(PlannedParent Parent, bool IsNew);

/// <summary>One thing wrong with the file, at a line of it (1 is the header).</summary>
public sealed record ImportError(int Line, ImportProblem Problem, string? Column = null, string? Value = null, int? OtherLine = null);

public enum ImportProblem
{
    NoFile,
    /// <summary>The file is not UTF-8 (Excel's plain "CSV" is Windows-1252).</summary>
    Unreadable,
    TooLarge,
    Empty,
    NoPupils,
    MissingColumn,
    UnclosedQuote,
    TooManyFields,
    MissingValue,
    InvalidEmail,
    /// <summary>One pupil number with another name or class than on an earlier line.</summary>
    ConflictingPupil,
}