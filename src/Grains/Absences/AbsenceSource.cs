namespace ItSchool.Absences;

/// <summary>Who wrote an absence: the class register, the school's software (import) or the family (advance report).</summary>
public enum AbsenceSource
{
    Register,
    Import,
    Report,
}

/// <summary>The sources as the database spells them.</summary>
public static class AbsenceSources
{
    public static string Code(AbsenceSource source) => source switch
    {
        AbsenceSource.Import => "import",
        AbsenceSource.Report => "report",
        _ => "register",
    };

    public static AbsenceSource Parse(string code) => code switch
    {
        "register" => AbsenceSource.Register,
        "import" => AbsenceSource.Import,
        "report" => AbsenceSource.Report,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not an absence source"),
    };
}