using ItSchool.Schools;

namespace ItSchool.Notifications;

/// <summary>
/// The hours, in Brussels wall-clock time, during which nothing is sent to a user; they may cross midnight (21:00–07:00).
/// What comes meanwhile is held until they end. Start and end differ.
/// </summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>When the quiet hours that hold <paramref name="moment"/> end; null when the moment is outside them.</summary>
    public DateTimeOffset? EndAround(DateTimeOffset moment)
    {
        var local = SchoolTime.Local(moment);
        var (day, time) = (DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        DateOnly endDay;
        if (Start < End)
        {
            if (time < Start || time >= End)
            {
                return null;
            }
            endDay = day;
        }
        else if (time >= Start)
        {
            endDay = day.AddDays(1);
        }
        else if (time < End)
        {
            endDay = day;
        }
        else
        {
            return null;
        }
        return LocalMoments.FirstAfter(endDay, End, moment);
    }
}

/// <summary>Brussels wall-clock times as moments, across the changes of time.</summary>
public static class LocalMoments
{
    /// <summary>
    /// The first moment after <paramref name="after"/> at which Brussels clocks show <paramref name="time"/> on
    /// <paramref name="day"/>: a time the autumn change shows twice counts at its first showing still to come, a time
    /// the spring change skips counts as the moment after the skip (see <see cref="SchoolTime.Moment(DateTime)"/>).
    /// </summary>
    public static DateTimeOffset FirstAfter(DateOnly day, TimeOnly time, DateTimeOffset after)
    {
        var wall = day.ToDateTime(time);
        if (SchoolTime.Zone.IsAmbiguousTime(wall))
        {
            var showings = SchoolTime.Zone.GetAmbiguousTimeOffsets(wall).Select(offset => new DateTimeOffset(wall, offset).ToUniversalTime()).Order().ToList();
            return showings.FirstOrDefault(moment => moment > after, showings[^1]);
        }
        return SchoolTime.Moment(wall);
    }

    /// <summary>The earliest moment at which Brussels clocks show <paramref name="time"/> on <paramref name="day"/>.</summary>
    public static DateTimeOffset First(DateOnly day, TimeOnly time) => FirstAfter(day, time, DateTimeOffset.MinValue);
}