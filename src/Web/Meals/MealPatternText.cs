namespace ItSchool.Web.Meals;

/// <summary>Marker for the texts of "Réserver plusieurs jours" in <c>Resources/Meals/MealPatternText.resx</c>.</summary>
public sealed class MealPatternText;