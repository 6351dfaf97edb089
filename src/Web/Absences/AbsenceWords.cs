using ItSchool.Absences;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Absences;

/// <summary>An absence's part, periods and source as the school's pages say them: "matin (périodes 3, 4)", "importé".</summary>
public static class AbsenceWords
{
    public static string Part(IStringLocalizer<AbsenceText> T, IStringLocalizer<AbsenceAdminText> A, AbsencePart part, IReadOnlyList<int>? periods) =>
        periods is null ? T[$"Part.{part}"] : A["Part.Periods", T[$"Part.{part}"], string.Join(", ", periods)];

    public static string Source(IStringLocalizer<AbsenceAdminText> A, AbsenceSource source) => A[$"Source.{source}"];
}