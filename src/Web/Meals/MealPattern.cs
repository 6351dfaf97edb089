using ItSchool.Meals;

namespace ItSchool.Web.Meals;

/// <summary>Why a day of a pattern is left out of the plan.</summary>
public enum PatternSkip
{
    Closed = 1,
    NotOffered = 2,
    AfterCutOff = 3,
    Allergen = 4,
    AlreadyBooked = 5,
}

/// <summary>A meal a pattern will book: the day and the article at the pupil's price.</summary>
public sealed record PlannedMeal(DateOnly Day, MealArticle Article);

/// <summary>What "every Monday and Thursday from … to …" comes to for one child: the meals to book, the days left out and why.</summary>
public sealed record MealPlan(IReadOnlyList<PlannedMeal> Meals, IReadOnlyList<(DateOnly Day, PatternSkip Why)> Skipped)
{
    public long TotalCents => Meals.Sum(m => m.Article.PriceCents);

    /// <summary>
    /// The school days of <paramref name="weekdays"/> from <paramref name="from"/> to <paramref name="to"/> (both within
    /// the booking window: from today to the horizon) that offer <paramref name="code"/>. A day the child already has
    /// that article is left out, so that running the same pattern twice does not book every meal twice.
    /// </summary>
    public static MealPlan Of(IReadOnlyDictionary<(int Year, int Month), PupilMealMonth> months, MealRules rules, DateTimeOffset now, DateOnly today,
        IReadOnlySet<DayOfWeek> weekdays, DateOnly from, DateOnly to, string code)
    {
        var meals = new List<PlannedMeal>();
        var skipped = new List<(DateOnly, PatternSkip)>();
        var first = from < today ? today : from;
        var last = to > today.AddDays(rules.HorizonDays) ? today.AddDays(rules.HorizonDays) : to;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (!weekdays.Contains(day.DayOfWeek) || day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            var month = months.GetValueOrDefault((day.Year, day.Month));
            var article = month?.Articles.GetValueOrDefault(day)?.FirstOrDefault(a => a.Code == code);
            PatternSkip? why = month switch
            {
                null => PatternSkip.NotOffered,
                _ when month.Closed.ContainsKey(day) => PatternSkip.Closed,
                _ when article is null => PatternSkip.NotOffered,
                _ when now >= rules.CutOff(day) => PatternSkip.AfterCutOff,
                _ when (article.Allergens & month.Allergies) != Allergens.None => PatternSkip.Allergen,
                _ when month.Meals.Any(m => m.Day == day && m.ArticleCode == code) => PatternSkip.AlreadyBooked,
                _ => null,
            };
            if (why is { } reason)
            {
                skipped.Add((day, reason));
            }
            else
            {
                meals.Add(new PlannedMeal(day, article!));
            }
        }
        return new MealPlan(meals, skipped);
    }
}