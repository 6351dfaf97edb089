namespace ItSchool.Meals;

/// <summary>The 14 allergens EU regulation 1169/2011 requires a menu to declare; stored as this bit set.</summary>
[Flags]
public enum Allergens
{
    None = 0,
    Gluten = 1 << 0,
    Crustaceans = 1 << 1,
    Eggs = 1 << 2,
    Fish = 1 << 3,
    Peanuts = 1 << 4,
    Soybeans = 1 << 5,
    Milk = 1 << 6,
    Nuts = 1 << 7,
    Celery = 1 << 8,
    Mustard = 1 << 9,
    Sesame = 1 << 10,
    Sulphites = 1 << 11,
    Lupin = 1 << 12,
    Molluscs = 1 << 13,
    All = (1 << 14) - 1,
}