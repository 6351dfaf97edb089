namespace ItSchool.Absences;

/// <summary>The parts as the database spells them.</summary>
public static class AbsenceParts
{
    public static string Code(AbsencePart part) => part switch
    {
        AbsencePart.Morning => "morning",
        AbsencePart.Afternoon => "afternoon",
        _ => "day",
    };

    public static AbsencePart Parse(string code) => code switch
    {
        "morning" => AbsencePart.Morning,
        "afternoon" => AbsencePart.Afternoon,
        "day" => AbsencePart.Day,
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not an absence part"),
    };

    public static JustificationStatus Status(string code) => code switch
    {
        "accepted" => JustificationStatus.Accepted,
        "refused" => JustificationStatus.Refused,
        _ => JustificationStatus.Pending,
    };
}