using ItSchool.Schools;

namespace ItSchool.Events;

/// <summary>The checks a draft passes before it is stored; those needing the school's pupils are <see cref="SchoolEvents"/>'.</summary>
public static class EventRules
{
    public const int MaxTitle = 120;
    public const int MaxText = 4000;

    /// <summary>The draft's problems that need nothing but the draft, and its moments when they can be read.</summary>
    public static (List<EventRefusal> Problems, bool AllDay, DateTimeOffset Starts, DateTimeOffset Ends) Check(EventDraft draft)
    {
        var problems = new List<EventRefusal>();
        if (string.IsNullOrWhiteSpace(draft.Title))
        {
            problems.Add(new(EventProblem.TitleMissing));
        }
        else if (draft.Title.Trim().Length > MaxTitle)
        {
            problems.Add(new(EventProblem.TitleTooLong, MaxTitle.ToString()));
        }
        if (draft.Text.Length > MaxText)
        {
            problems.Add(new(EventProblem.TextTooLong, MaxText.ToString()));
        }
        if (draft.Audience == EventAudience.Classes && draft.Classes.Count == 0)
        {
            problems.Add(new(EventProblem.NoClass));
        }
        if (draft.Audience == EventAudience.Pupils && draft.Pupils.Count == 0)
        {
            problems.Add(new(EventProblem.NoPupil));
        }
        if (draft.From is not { } from)
        {
            problems.Add(new(EventProblem.DateMissing));
            return (problems, false, default, default);
        }
        var to = draft.To ?? from;
        if (!draft.TimesTyped)
        {
            if (to < from)
            {
                problems.Add(new(EventProblem.EndBeforeStart));
            }
            return (problems, true, SchoolTime.Midnight(from), SchoolTime.Midnight(to.AddDays(1)));
        }
        if (draft.Starts is not { } startTime || draft.Ends is not { } endTime)
        {
            problems.Add(new(EventProblem.TimesIncomplete));
            return (problems, false, default, default);
        }
        var starts = SchoolTime.Moment(from, startTime);
        var ends = SchoolTime.Moment(to, endTime);
        if (ends <= starts)
        {
            problems.Add(new(EventProblem.EndBeforeStart));
        }
        return (problems, false, starts, ends);
    }
}