using ItSchool.Meals;

namespace ItSchool.Tests.Meals;

/// <summary>The cut-off as a school states it ("14:00, two school days before"), as a UTC moment.</summary>
public sealed class MealRulesTests
{
    static readonly DateOnly Monday = new(2026, 12, 14);

    [Fact]
    public void Nine_o_clock_the_same_day_is_Brussels_time_in_winter_and_in_summer()
    {
        var rules = MealRules.Default;

        Assert.Equal(new DateTimeOffset(2026, 12, 14, 8, 0, 0, TimeSpan.Zero), rules.CutOff(Monday));
        Assert.Equal(new DateTimeOffset(2026, 6, 15, 7, 0, 0, TimeSpan.Zero), rules.CutOff(new DateOnly(2026, 6, 15)));
    }

    [Theory]
    [InlineData(1, "2026-12-11")]
    [InlineData(2, "2026-12-10")]
    [InlineData(5, "2026-12-07")]
    [InlineData(6, "2026-12-04")]
    public void School_days_before_skip_the_weekend(int schoolDays, string expectedDay)
    {
        var rules = new MealRules(30, new TimeOnly(14, 0), schoolDays, null);

        var cutOff = rules.CutOff(Monday);

        Assert.Equal(DateOnly.Parse(expectedDay, System.Globalization.CultureInfo.InvariantCulture), DateOnly.FromDateTime(cutOff.UtcDateTime));
        Assert.Equal(13, cutOff.UtcDateTime.Hour);
    }

    [Fact]
    public void Only_the_listed_classes_may_book_when_the_school_lists_some()
    {
        Assert.True(MealRules.Default.Allows("6C"));
        var rules = MealRules.Default with { AllowedClasses = ["1A", "2A"] };
        Assert.True(rules.Allows("2A"));
        Assert.False(rules.Allows("2a"));
        Assert.False(rules with { AllowedClasses = [] } is { IsValid: true });
        Assert.False(rules with { CutOffSchoolDays = -1 } is { IsValid: true });
    }
}