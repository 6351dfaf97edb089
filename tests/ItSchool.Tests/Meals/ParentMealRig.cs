using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>
/// The demo school with meals on, for the parents' pages: every test makes a child of its own (a fresh pupil linked
/// to demo guardians, with money in the meals compartment) so that no test sees another's bookings, and every menu
/// is the same four articles, so that tests sharing a day never disagree about it.
/// </summary>
public static partial class ParentMealRig
{
    public static readonly MealArticle Hot = new("CHAUD", "Repas chaud", 450, 2, Allergens.Milk | Allergens.Gluten, null);
    public static readonly MealArticle Soup = new("POTAGE", "Potage", 120, 2, Allergens.Celery, null);
    public static readonly MealArticle Satay = new("SATAY", "Poulet satay", 380, 2, Allergens.Peanuts, null);
    public static readonly MealArticle Feast = new("FESTIN", "Festin", 90_000, 2, Allergens.None, null);

    public static async Task MealsOnAsync(WebNode web) =>
        await web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meals);

    public static DateOnly Today(WebNode web) => SchoolTime.Today(web.Clock);

    /// <summary>The <paramref name="ahead"/>-th school day after today (1: the next one).</summary>
    public static DateOnly SchoolDay(WebNode web, int ahead)
    {
        var day = Today(web);
        while (ahead > 0)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                ahead--;
            }
        }
        return day;
    }

    /// <summary>Adds the four articles to the day, beside what the demo's menu already offers (some of it booked).</summary>
    public static async Task<DateOnly> MenuAsync(WebNode web, DateOnly day)
    {
        var menus = web.Services.GetRequiredService<MealMenus>();
        var offered = (await menus.DaysAsync(DemoSchool.Id, day, 1))[0].Articles.Select(a => a.Article).ToList();
        Assert.Null(await menus.SetDayAsync(DemoSchool.Id, day, [.. offered.Where(a => a.Code is not ("CHAUD" or "POTAGE" or "SATAY" or "FESTIN")),
            Hot, Soup, Satay, Feast]));
        return day;
    }

    /// <summary>A new child of the demo school, in class 4B, guarded by <paramref name="guardians"/>, with <paramref name="mealCents"/> to spend on meals.</summary>
    public static async Task<(Guid Id, string FirstName)> ChildAsync(WebNode web, long mealCents, params string[] guardians)
    {
        var id = Guid.CreateVersion7();
        var firstName = $"Repas{id.ToString("N")[^6..]}";
        var db = web.Services.GetRequiredService<NpgsqlDataSource>();
        await using (var insert = db.CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, @name, 'Cantine', '4B');
            INSERT INTO guardianships (school_id, user_id, pupil_id) SELECT @school, u.id, @id FROM users u WHERE u.school_id = @school AND u.user_name = ANY(@guardians);
            """))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("school", DemoSchool.Id);
            insert.Parameters.AddWithValue("name", firstName);
            insert.Parameters.AddWithValue("guardians", guardians);
            await insert.ExecuteNonQueryAsync();
        }
        if (mealCents > 0)
        {
            Assert.True((await Purse(web, id).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, mealCents, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        }
        return (id, firstName);
    }

    public static IPurseGrain Purse(WebNode web, Guid pupilId) => web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(pupilId);

    public static async Task<long> MealBalanceAsync(WebNode web, Guid pupilId) =>
        (await Purse(web, pupilId).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents;

    public static async Task<long> LedgerCountAsync(WebNode web, Guid pupilId)
    {
        await using var command = web.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT count(*) FROM ledger_entries WHERE pupil_id = @p");
        command.Parameters.AddWithValue("p", pupilId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A client signed in as <paramref name="parent"/> with <paramref name="pupilId"/>'s account open.</summary>
    public static async Task<HttpClient> ParentAsync(WebNode web, string parent, Guid pupilId)
    {
        var client = await SignedIn.AsAsync(web, parent);
        var switched = await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{pupilId}");
        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        return client;
    }

    public static async Task<string> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode}");
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    public static string DayUrl(DateOnly day) => $"/e/demo/repas/jour/{MealDays.Key(day)}";

    /// <summary>The idempotency key the dialog's form for <paramref name="article"/> carries.</summary>
    public static string KeyFor(string dialog, string article)
    {
        var match = Regex.Match(dialog, $"name=\"Key\" value=\"([^\"]+)\"[^<]*<input[^>]*name=\"Pupil\"[^>]*>[^<]*<input[^>]*name=\"Article\" value=\"{article}\"");
        Assert.True(match.Success, $"The dialog offers no form for {article}");
        return match.Groups[1].Value;
    }

    public static async Task<string> BookAsync(HttpClient client, DateOnly day, Guid pupil, string article, string? key)
    {
        var fields = new List<(string, string)> { ("Pupil", pupil.ToString()), ("Article", article) };
        if (key is not null)
        {
            fields.Add(("Key", key));
        }
        return await Forms.HtmxPostAsync(client, "/e/demo/tableau-de-bord", DayUrl(day) + "/reserver", [.. fields]);
    }

    /// <summary>Opens the day's dialog and books the article with the key it was given.</summary>
    public static async Task<string> BookFromDialogAsync(HttpClient client, DateOnly day, Guid pupil, string article) =>
        await BookAsync(client, day, pupil, article, KeyFor(await GetAsync(client, DayUrl(day)), article));

    public static async Task<string> CancelAsync(HttpClient client, DateOnly day, Guid pupil, Guid booking) =>
        await Forms.HtmxPostAsync(client, "/e/demo/tableau-de-bord", DayUrl(day) + "/annuler",
            ("Pupil", pupil.ToString()), ("Booking", booking.ToString()), ("Key", Guid.NewGuid().ToString()));

    public static async Task<IReadOnlyList<MealBookingView>> HeldAsync(WebNode web, DateOnly day, Guid pupil) =>
        (await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, day).GetBookingsAsync()).Where(b => b.PupilId == pupil && b.Holds).ToList();
}