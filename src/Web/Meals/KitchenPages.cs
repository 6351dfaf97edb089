using System.Globalization;
using ItSchool.Accounts;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Web.Live;
using ItSchool.Web.Platform;
using ItSchool.Web.Schools;
using Microsoft.Extensions.Localization;

namespace ItSchool.Web.Meals;

/// <summary>Meals: the kitchen's counts per article and class, live, in PDF and CSV.</summary>
public static class KitchenPages
{
    public static void AddKitchen(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MealServings>();
        builder.AddLiveTopic<MealDayLiveTopic>();
    }

    public static void MapKitchen(this RouteGroupBuilder school)
    {
        var kitchen = school.MapGroup("/cuisine").RequireAuthorization(policy => policy.RequireRole(nameof(Role.Canteen), nameof(Role.Manager)));

        // The day asked for and the next one: today's page shows today and tomorrow.
        kitchen.MapGet("", async (HttpContext context, MealBookings bookings, TimeProvider clock, string? jour) =>
        {
            var today = SchoolTime.Today(clock);
            var asked = string.IsNullOrEmpty(jour) ? today : ParseDay(jour);
            var first = asked ?? today;
            var schoolId = context.School()!.Id;
            return new RazorComponentResult<KitchenPage>(new
            {
                Today = today,
                First = first,
                Days = new[] { await bookings.KitchenDayAsync(schoolId, first, context.RequestAborted),
                    await bookings.KitchenDayAsync(schoolId, first.AddDays(1), context.RequestAborted) },
                InvalidDay = asked is null ? jour : null,
            });
        });

        // The region a day's change makes read itself again.
        kitchen.MapGet("/jour/{day}", async (string day, HttpContext context, MealBookings bookings, TimeProvider clock) =>
            ParseDay(day) is { } date
                ? new RazorComponentResult<KitchenCounts>(new
                {
                    Day = await bookings.KitchenDayAsync(context.School()!.Id, date, context.RequestAborted),
                    Today = SchoolTime.Today(clock),
                })
                : Results.NotFound());

        kitchen.MapGet("/{day}.pdf", async (string day, HttpContext context, MealBookings bookings, TimeProvider clock,
            IStringLocalizer<KitchenText> K, IStringLocalizer<MealText> M) =>
        {
            if (ParseDay(day) is not { } date)
            {
                return Results.NotFound();
            }
            var counts = await bookings.KitchenDayAsync(context.School()!.Id, date, context.RequestAborted);
            return Results.File(KitchenPdf.Render(context.School()!.Name, counts, clock.GetUtcNow(), K, M), "application/pdf", $"{K["File.Name", MealDays.Key(date)]}.pdf");
        });

        kitchen.MapGet("/{day}.csv", async (string day, HttpContext context, MealBookings bookings, IStringLocalizer<KitchenText> K,
            IStringLocalizer<MealText> M) =>
        {
            if (ParseDay(day) is not { } date)
            {
                return Results.NotFound();
            }
            var counts = await bookings.KitchenDayAsync(context.School()!.Id, date, context.RequestAborted);
            await using var csv = CsvExport.Start(context.Response, $"{K["File.Name", MealDays.Key(date)]}.csv");
            await csv.RowAsync(K["Csv.Article"], K["Csv.Class"], K["Csv.Booked"], K["Csv.Served"]);
            foreach (var article in counts.Articles)
            {
                foreach (var line in counts.Counts.Where(c => c.ArticleCode == article.Code))
                {
                    await csv.RowAsync(article.Label, line.ClassName, Number(line.Booked), Number(line.Served));
                }
                await csv.RowAsync(article.Label, K["Counts.Total"], Number(counts.Booked(article.Code)), Number(counts.Served(article.Code)));
            }
            await csv.RowAsync(K["Counts.Total"], K["Counts.Total"], Number(counts.Booked()), Number(counts.Served()));
            // The allergy list follows under its own headings, as the kitchen prints it.
            await csv.RowAsync();
            await csv.RowAsync(K["Allergies.Pupil"], K["Allergies.Class"], K["Allergies.Article"], K["Allergies.Allergens"], K["Csv.Allergens"]);
            foreach (var pupil in counts.Allergies)
            {
                await csv.RowAsync(pupil.PupilName, pupil.ClassName, pupil.ArticleLabel, AllergenNames(pupil.Allergies, M),
                    AllergenNames(pupil.Allergies & pupil.ArticleAllergens, M));
            }
            return Results.Empty;
        });
    }

    /// <summary>A day as the addresses write it (yyyy-MM-dd); null for anything else, or a day no kitchen plans for.</summary>
    public static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 2100
            ? day
            : null;

    /// <summary>"Lait, Gluten" in the order of the regulation's list.</summary>
    public static string AllergenNames(Allergens allergens, IStringLocalizer<MealText> M) =>
        string.Join(", ", Enum.GetValues<Allergens>().Where(a => a is not (Allergens.None or Allergens.All) && allergens.HasFlag(a)).Select(a => M[$"Allergen.{a}"].Value));

    /// <summary>"samedi 6 décembre 2026", as it reads inside a sentence, in the reader's language unless told.</summary>
    public static string LongDate(DateOnly day, CultureInfo? culture = null) => day.ToString("dddd d MMMM yyyy", culture ?? CultureInfo.CurrentCulture);

    static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}