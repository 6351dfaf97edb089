namespace ItSchool.Web.Meals;

/// <summary>
/// Marker for the school's meal texts in <c>Resources/Meals/MealAdminText.resx</c> (French, the default): menus,
/// closing, import, rules, allergies, the report and the refund mail; views ask <c>IStringLocalizer&lt;MealAdminText&gt;</c>.
/// </summary>
public sealed class MealAdminText;