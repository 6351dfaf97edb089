namespace ItSchool.Web.Absences;

/// <summary>
/// Marker for the absences' texts in <c>Resources/Absences/AbsenceText.resx</c> (French, the default): the school's class
/// register and the family's list; views ask <c>IStringLocalizer&lt;AbsenceText&gt;</c>.
/// </summary>
public sealed class AbsenceText;