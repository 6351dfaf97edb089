using System.Globalization;
using System.Text;
using ItSchool.Meals;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>The 14 allergens in their regulation's order, and reading one back from a form or a CSV cell.</summary>
public static class MealAllergenNames
{
    public static IReadOnlyList<Allergens> Each { get; } =
        [.. Enum.GetValues<Allergens>().Where(a => a is not (Allergens.None or Allergens.All)).Order()];

    /// <summary>"Gluten", "lait", "Œufs", or its number in the list (1 to 14); null when it is none of them.</summary>
    public static Allergens? Read(string text, IStringLocalizer<MealText> M)
    {
        var wanted = Plain(text);
        if (wanted.Length == 0)
        {
            return null;
        }
        if (int.TryParse(wanted, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number is >= 1 and <= 14 ? Each[number - 1] : null;
        }
        foreach (var allergen in Each)
        {
            if (Plain(allergen.ToString()) == wanted || Plain(M[$"Allergen.{allergen}"]) == wanted)
            {
                return allergen;
            }
        }
        return null;
    }

    /// <summary>A set's names in the reader's language, comma separated.</summary>
    public static string Names(Allergens allergens, IStringLocalizer<MealText> M) =>
        string.Join(", ", Each.Where(a => allergens.HasFlag(a)).Select(a => M[$"Allergen.{a}"].Value));

    /// <summary>The flags the form's checkboxes name; null when one names none.</summary>
    public static Allergens? FromForm(IEnumerable<string?> values)
    {
        var set = Allergens.None;
        foreach (var value in values)
        {
            if (!Enum.TryParse<Allergens>(value, ignoreCase: false, out var one) || !Each.Contains(one) || !Enum.IsDefined(one) || int.TryParse(value, out _))
            {
                return null;
            }
            set |= one;
        }
        return set;
    }

    /// <summary>Lower case without accents or ligatures, so that "Œufs", "oeufs" and "OEUFS" match.</summary>
    static string Plain(string text)
    {
        var decomposed = text.Trim().ToLowerInvariant().Replace("œ", "oe").Replace("æ", "ae").Normalize(NormalizationForm.FormD);
        return string.Concat(decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark));
    }
}