using ItSchool.Absences;
using ItSchool.Schools;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Absences;

/// <summary>
/// The days absence tests write on: school days only, since a weekend has no register and imports none. Each test picks
/// its own count, so that no two tests of a class (one database per class) meet on a day.
/// </summary>
public static class SchoolDaysAgo
{
    /// <summary>The <paramref name="count"/>th school day before today.</summary>
    public static DateOnly Of(WebNode web, int count)
    {
        var day = SchoolTime.Today(web.Clock);
        for (var i = 0; i < count; i++)
        {
            day = SchoolDays.Next(day, -1);
        }
        return day;
    }
}