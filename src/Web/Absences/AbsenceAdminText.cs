namespace ItSchool.Web.Absences;

/// <summary>
/// Marker for the school's absence pages beyond the register in <c>Resources/Absences/AbsenceAdminText.resx</c> (French,
/// the default): reasons and settings, the import, the unjustified absences, a pupil's history and the export.
/// </summary>
public sealed class AbsenceAdminText;