namespace ItSchool.Web.Meals;

/// <summary>
/// Marker for the kitchen's texts (counts, allergy list, PDF and CSV) in <c>Resources/Meals/KitchenText.resx</c>
/// (French, the default); views ask <c>IStringLocalizer&lt;KitchenText&gt;</c>.
/// </summary>
public sealed class KitchenText;