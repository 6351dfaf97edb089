using ItSchool.Absences;

namespace ItSchool.Tests.Absences;

/// <summary>The school's counting rule, on its own: half-days, each counted once, partial ones per the settings.</summary>
public sealed class HalfDaysTests
{
    static readonly Guid Pupil = Guid.NewGuid();
    static readonly DateOnly Monday = new(2026, 11, 16);
    static readonly AbsenceSettings Counted = AbsenceSettings.Default with { PartialCountsAsHalfDay = true };
    static readonly AbsenceSettings NotCounted = AbsenceSettings.Default with { PartialCountsAsHalfDay = false };

    static CountedAbsence Absence(DateOnly day, AbsencePart part, bool justified = false, int[]? periods = null, Guid? pupil = null) =>
        new(pupil ?? Pupil, day, part, periods, justified);

    [Fact]
    public void A_whole_day_is_two_half_days_and_a_morning_one()
    {
        var missed = HalfDays.Missed([Absence(Monday, AbsencePart.Day), Absence(Monday.AddDays(1), AbsencePart.Morning)], Counted);
        Assert.Equal([(Monday, AbsencePart.Morning), (Monday, AbsencePart.Afternoon), (Monday.AddDays(1), AbsencePart.Morning)],
            missed.Select(m => (m.Day, m.Half)));
    }

    [Fact]
    public void A_half_day_written_twice_by_different_sources_counts_once()
    {
        var missed = HalfDays.Missed([Absence(Monday, AbsencePart.Day), Absence(Monday, AbsencePart.Morning), Absence(Monday, AbsencePart.Afternoon)], Counted);
        Assert.Equal(2, missed.Count);
        Assert.Equal(2, HalfDays.Missed([Absence(Monday, AbsencePart.Morning), Absence(Monday, AbsencePart.Afternoon)], Counted).Count);
    }

    [Fact]
    public void A_partial_half_day_counts_only_when_the_school_says_so_unless_a_full_absence_covers_it_too()
    {
        CountedAbsence[] partial = [Absence(Monday, AbsencePart.Morning, periods: [3, 4])];
        Assert.Single(HalfDays.Missed(partial, Counted), m => m.Partial);
        Assert.Empty(HalfDays.Missed(partial, NotCounted));
        Assert.Single(HalfDays.Missed([.. partial, Absence(Monday, AbsencePart.Day)], NotCounted), m => m.Half == AbsencePart.Morning && !m.Partial);
    }

    [Fact]
    public void A_half_day_is_justified_when_one_of_its_absences_is_and_pupils_are_counted_apart()
    {
        var other = Guid.NewGuid();
        var missed = HalfDays.Missed(
        [
            Absence(Monday, AbsencePart.Day, justified: true), Absence(Monday, AbsencePart.Morning),
            Absence(Monday, AbsencePart.Morning, pupil: other),
        ], Counted);
        Assert.All(missed.Where(m => m.PupilId == Pupil), m => Assert.True(m.Justified));
        Assert.Equal(2, missed.Count(m => m.PupilId == Pupil));
        Assert.False(Assert.Single(missed, m => m.PupilId == other).Justified);
    }

    [Theory]
    [InlineData("2026-12-07", "2026-09-01")]
    [InlineData("2026-09-01", "2026-09-01")]
    [InlineData("2026-08-31", "2025-09-01")]
    [InlineData("2027-01-04", "2026-09-01")]
    public void The_school_year_starts_on_september_the_first(string day, string start) =>
        Assert.Equal(DateOnly.Parse(start), SchoolDays.SchoolYearStart(DateOnly.Parse(day)));

    [Fact]
    public void Saturdays_and_sundays_are_no_school_days_and_are_stepped_over()
    {
        var friday = new DateOnly(2026, 12, 4);
        Assert.False(SchoolDays.IsSchoolDay(friday.AddDays(1)));
        Assert.False(SchoolDays.IsSchoolDay(friday.AddDays(2)));
        Assert.Equal(friday.AddDays(3), SchoolDays.Next(friday, 1));
        Assert.Equal(friday, SchoolDays.Next(friday.AddDays(3), -1));
    }
}