namespace ItSchool.Web.Meals;

/// <summary>
/// Marker for the texts of the meals' calendar feed and reminder mail in <c>Resources/Meals/MealNoticeText.resx</c>
/// (French, the default); views ask <c>IStringLocalizer&lt;MealNoticeText&gt;</c>.
/// </summary>
public sealed class MealNoticeText;