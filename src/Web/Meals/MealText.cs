namespace ItSchool.Web.Meals;

/// <summary>
/// Marker for the meal texts in <c>Resources/Meals/MealText.resx</c> (French, the default): the parents' pages,
/// and the names every meal page shares (allergens, closures, refund reasons); views ask <c>IStringLocalizer&lt;MealText&gt;</c>.
/// </summary>
public sealed class MealText;