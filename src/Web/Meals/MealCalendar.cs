using ItSchool.Meals;
using ItSchool.Schools;

namespace ItSchool.Web.Meals;

/// <summary>What a parent can do with a day, in the order the day's grain checks it (the page never offers what the grain would refuse).</summary>
public enum MealDayState
{
    Open = 1,
    Closed = 2,
    Past = 3,
    BeyondHorizon = 4,
    AfterCutOff = 5,
    NoMenu = 6,
}

/// <summary>One school day of the calendar: its state, the child's meals on it and until when it can be booked.</summary>
public sealed record MealCalendarDay(DateOnly Day, MealDayState State, bool IsToday, ClosureReason? Closure, IReadOnlyList<PupilMeal> Meals,
    DateTimeOffset CutOff)
{
    /// <summary>
    /// Open days, and days whose meals are still ahead even after the cut-off: the dialog then shows the booking
    /// and why it can no longer be cancelled. Past days and days with nothing to do are plain text.
    /// </summary>
    public bool Clickable => State == MealDayState.Open || (Meals.Count > 0 && State != MealDayState.Past);
}

/// <summary>A month of school days (Monday to Friday: the canteen serves no weekend), in weeks; null cells are outside the month.</summary>
public sealed record MealCalendarMonth(DateOnly First, IReadOnlyList<IReadOnlyList<MealCalendarDay?>> Weeks)
{
    public DateOnly Previous => First.AddMonths(-1);

    public DateOnly Next => First.AddMonths(1);

    public IEnumerable<MealCalendarDay> Days => Weeks.SelectMany(w => w).OfType<MealCalendarDay>();
}

public static class MealCalendar
{
    public static MealDayState StateOf(DateOnly day, MealRules rules, DateOnly today, DateTimeOffset now, bool closed, bool offered) => day switch
    {
        _ when closed => MealDayState.Closed,
        _ when day < today => MealDayState.Past,
        _ when day > today.AddDays(rules.HorizonDays) => MealDayState.BeyondHorizon,
        _ when now >= rules.CutOff(day) => MealDayState.AfterCutOff,
        _ when !offered => MealDayState.NoMenu,
        _ => MealDayState.Open,
    };

    public static MealCalendarDay DayOf(DateOnly day, PupilMealMonth month, MealRules rules, DateOnly today, DateTimeOffset now)
    {
        var closure = month.Closed.TryGetValue(day, out var reason) ? reason : (ClosureReason?)null;
        var offered = month.Articles.TryGetValue(day, out var articles) && articles.Count > 0;
        return new MealCalendarDay(day, StateOf(day, rules, today, now, closure is not null, offered), day == today, closure,
            month.Meals.Where(m => m.Day == day).ToList(), rules.CutOff(day));
    }

    public static MealCalendarMonth Build(DateOnly first, PupilMealMonth month, MealRules rules, TimeProvider clock)
    {
        var today = SchoolTime.Today(clock);
        var now = clock.GetUtcNow();
        var weeks = new List<IReadOnlyList<MealCalendarDay?>>();
        var monday = first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
        for (; monday < first.AddMonths(1); monday = monday.AddDays(7))
        {
            var week = Enumerable.Range(0, 5).Select(i => monday.AddDays(i))
                .Select(d => d.Month == first.Month ? DayOf(d, month, rules, today, now) : null).ToList();
            if (week.Any(d => d is not null))
            {
                weeks.Add(week);
            }
        }
        return new MealCalendarMonth(first, weeks);
    }
}