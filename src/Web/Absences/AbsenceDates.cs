using System.Globalization;
using ItSchool.Absences;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Absences;

/// <summary>A half-day as a person reads it, in their language: "lundi 7 décembre 2026, matin".</summary>
public static class AbsenceDates
{
    public static string Of(IStringLocalizer<AbsenceText> texts, DateOnly day, AbsencePart part) =>
        texts["Date.Part", Day(day), texts[$"Part.{part}"]];

    public static string Day(DateOnly day) => day.ToString("dddd d MMMM yyyy", CultureInfo.CurrentCulture);
}