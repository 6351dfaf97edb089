using System.Globalization;
using ItSchool.Events;
using ItSchool.Schools;

namespace ItSchool.Web.Events;

/// <summary>When an event is, in Brussels time and the reader's way of writing dates (08/04/2025, 8-4-2025, 08/04/2025).</summary>
public static class EventDates
{
    public static string Short(DateOnly day) => day.ToString("d", CultureInfo.CurrentCulture);

    /// <summary>"08/04/2025", "08/04/2025 – 10/04/2025", "08/04/2025 17:00–20:00" or "08/04/2025 17:00 – 09/04/2025 12:00".</summary>
    public static string Of(SchoolEvent e)
    {
        if (e.AllDay)
        {
            return e.FirstDay == e.LastDay ? Short(e.FirstDay) : $"{Short(e.FirstDay)} – {Short(e.LastDay)}";
        }
        var starts = SchoolTime.Local(e.Starts);
        var ends = SchoolTime.Local(e.Ends);
        return e.FirstDay == e.LastDay
            ? $"{Short(e.FirstDay)} {starts:HH:mm}–{ends:HH:mm}"
            : $"{Short(e.FirstDay)} {starts:HH:mm} – {Short(e.LastDay)} {ends:HH:mm}";
    }
}