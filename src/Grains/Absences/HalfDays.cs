namespace ItSchool.Absences;

/// <summary>One absence as the count reads it: its half-day or day, the periods missed (null for all), justified or not.</summary>
public sealed record CountedAbsence(Guid PupilId, DateOnly Day, AbsencePart Part, IReadOnlyList<int>? Periods, bool Justified);

/// <summary>A half-day a pupil missed, as the school counts it; <see cref="Partial"/> when only some periods were missed.</summary>
public sealed record MissedHalfDay(Guid PupilId, DateOnly Day, AbsencePart Half, bool Justified, bool Partial);

/// <summary>
/// How the school counts absences, in half-days (the unit of Belgian attendance rules): a whole day is a morning and an
/// afternoon; a half-day written twice (a whole day from the register and a morning from an import, say) counts once; a
/// half-day of which only some periods were missed counts only when the school's settings say so. A half-day is
/// justified when one of the absences covering it is: a medical certificate for the day covers the morning the register
/// also noted.
/// </summary>
public static class HalfDays
{
    public static IReadOnlyList<MissedHalfDay> Missed(IEnumerable<CountedAbsence> absences, AbsenceSettings settings) =>
        [.. absences
            .SelectMany(a => Halves(a.Part).Select(half => (a.PupilId, a.Day, Half: half, Full: a.Periods is null, a.Justified)))
            .GroupBy(h => (h.PupilId, h.Day, h.Half))
            .Select(g => new MissedHalfDay(g.Key.PupilId, g.Key.Day, g.Key.Half, g.Any(h => h.Justified), !g.Any(h => h.Full)))
            .Where(h => !h.Partial || settings.PartialCountsAsHalfDay)
            .OrderBy(h => h.Day).ThenBy(h => h.Half)];

    static AbsencePart[] Halves(AbsencePart part) => part == AbsencePart.Day ? [AbsencePart.Morning, AbsencePart.Afternoon] : [part];
}