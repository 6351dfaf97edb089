using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>The canteen's till hands out booked meals: "Servi" records it once and moves no money.</summary>
public sealed class ServedMealTests(WebNode web) : IClassFixture<WebNode>
{
    const string Till = "/e/demo/caisse";
    const string BenoitCard = "04A1B2C3D4E501";
    const string LucasCard = "04A1B2C3D4E502";
    const string ChloeCard = "04A1B2C3D4E504";

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    static async Task<string> TerminalAsync(HttpClient client) =>
        Regex.Match(await client.GetStringAsync(Till), "name=\"TerminalId\" value=\"([0-9a-f-]+)\"").Groups[1].Value;

    static async Task<string> PostAsync(HttpClient client, string action, params (string, string)[] fields) =>
        await Forms.HtmxPostAsync(client, Till, $"{Till}/{action}", [("TerminalId", await TerminalAsync(client)), .. fields]);

    async Task<long> ServingsAsync(Guid bookingId)
    {
        await using var command = Db.CreateCommand("SELECT count(*) FROM meal_servings WHERE booking_id = @id");
        command.Parameters.AddWithValue("id", bookingId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    async Task<long> MealsBalanceAsync(string child) =>
        (await KitchenDemo.Grains(web).GetGrain<IPurseGrain>(await DemoPupils.IdAsync(web, child)).GetPurseAsync())
            .Compartments.Single(c => c.Compartment == 2).BalanceCents;

    async Task<DateOnly> TodayWithMenuAsync()
    {
        await KitchenDemo.OnAsync(web);
        var today = KitchenDemo.Today(web);
        await KitchenDemo.MenuAsync(web, today, KitchenDemo.Hot, KitchenDemo.Sandwich);
        await KitchenDemo.MenuAsync(web, today.AddDays(1), KitchenDemo.Hot);
        return today;
    }

    [Fact]
    public async Task A_booked_meal_is_served_once_without_a_second_debit_and_the_kitchen_counts_it()
    {
        var today = await TodayWithMenuAsync();
        var booking = await KitchenDemo.BookAsync(web, today, "Chloé", KitchenDemo.Hot);
        var balance = await MealsBalanceAsync("Chloé");
        using var till = await SignedIn.AsAsync(web, "karim.benali");
        Assert.Contains("hx-post=\"caisse/repas\"", await till.GetStringAsync(Till));

        var shown = await PostAsync(till, "repas", ("CardUid", ChloeCard.ToLowerInvariant()));
        Assert.Contains("Réservé : Repas chaud", shown);
        Assert.Contains($"name=\"BookingId\" value=\"{booking.Id}\"", shown);

        var served = await PostAsync(till, "servi", ("BookingId", booking.Id.ToString()));
        Assert.Contains("SERVI", served);
        Assert.Contains("data-meal-outcome=\"Served\"", served);
        Assert.Equal(1, await ServingsAsync(booking.Id));
        Assert.Equal(balance, await MealsBalanceAsync("Chloé"));

        var twice = await PostAsync(till, "servi", ("BookingId", booking.Id.ToString()));
        Assert.Contains("DÉJÀ SERVI : rien n'est enregistré une seconde fois.", twice);
        Assert.Equal(1, await ServingsAsync(booking.Id));
        Assert.Equal(balance, await MealsBalanceAsync("Chloé"));

        // Read again, the card shows the meal served, with no button to serve it again.
        var again = await PostAsync(till, "repas", ("CardUid", ChloeCard));
        Assert.Contains("DÉJÀ SERVI", again);
        Assert.DoesNotContain("name=\"BookingId\"", again);

        var kitchen = await till.GetStringAsync("/e/demo/cuisine");
        // Chloé's is the only hot meal held today (the other tests of this class cancel theirs or book sandwiches).
        Assert.Contains("1 Repas chaud Servis 1 / 1", KitchenDemo.Text(kitchen));
    }

    [Fact]
    public async Task A_pupil_without_a_booked_meal_is_sold_at_the_till_as_always()
    {
        await TodayWithMenuAsync();
        using var till = await SignedIn.AsAsync(web, "karim.benali");

        var shown = await PostAsync(till, "repas", ("CardUid", BenoitCard));
        Assert.Contains("Benoît n'a pas réservé de repas aujourd'hui : vente à la caisse.", shown);
        Assert.DoesNotContain("BookingId", shown);

        var sale = await PostAsync(till, "vente", ("SaleId", Guid.NewGuid().ToString()), ("CardUid", BenoitCard), ("q.POMME", "1"));
        Assert.Contains("ACCEPTÉ", sale);
        Assert.Contains("data-outcome=\"sold\"", sale);
        Assert.Contains("Benoît", sale);
        // An unknown card shows nothing about meals: the sale's own answer says the card is unknown.
        Assert.Equal("", await PostAsync(till, "repas", ("CardUid", "UNKNOWN-CARD")));
    }

    [Fact]
    public async Task Cancelled_forged_other_schools_and_other_days_bookings_are_not_served()
    {
        var today = await TodayWithMenuAsync();
        var cancelled = await KitchenDemo.BookAsync(web, today, "Lucas", KitchenDemo.Hot);
        Assert.Null((await KitchenDemo.Grains(web).Day(DemoSchool.Id, today).CancelAsync(cancelled.Id, Guid.NewGuid().ToString(), KitchenDemo.Parent)).Refusal);
        var tomorrow = await KitchenDemo.BookAsync(web, today.AddDays(1), "Lucas", KitchenDemo.Hot);
        var elsewhere = await OtherSchoolsBookingAsync(today);
        using var till = await SignedIn.AsAsync(web, "karim.benali");

        // A cancelled (refunded) meal is not offered at the till.
        Assert.Contains("Lucas n'a pas réservé de repas aujourd'hui", await PostAsync(till, "repas", ("CardUid", LucasCard)));
        Assert.Contains("Ce repas a été annulé et remboursé : rien à servir.", await PostAsync(till, "servi", ("BookingId", cancelled.Id.ToString())));
        Assert.Contains("Ce repas n'est pas réservé pour aujourd'hui : rien n'est enregistré.",
            await PostAsync(till, "servi", ("BookingId", tomorrow.Id.ToString())));
        Assert.Contains("Réservation inconnue : rien n'est enregistré.", await PostAsync(till, "servi", ("BookingId", elsewhere.ToString())));
        Assert.Contains("Réservation inconnue : rien n'est enregistré.", await PostAsync(till, "servi", ("BookingId", "pas-un-id")));
        foreach (var id in new[] { cancelled.Id, tomorrow.Id, elsewhere })
        {
            Assert.Equal(0, await ServingsAsync(id));
        }
    }

    [Fact]
    public async Task Without_the_meals_module_the_till_neither_shows_nor_serves_meals()
    {
        var today = await TodayWithMenuAsync();
        var booking = await KitchenDemo.BookAsync(web, today, "Geneviève", KitchenDemo.Sandwich);
        var school = KitchenDemo.Grains(web).GetGrain<ISchoolGrain>(DemoSchool.Id);
        using var till = await SignedIn.AsAsync(web, "karim.benali");
        var terminal = await TerminalAsync(till);
        await school.DisableModuleAsync(SchoolModule.Meals);
        try
        {
            Assert.DoesNotContain("caisse/repas", await till.GetStringAsync(Till));
            var token = Forms.AntiforgeryToken(await till.GetStringAsync(Till));
            foreach (var (action, field) in new[] { ("repas", ("CardUid", "04A1B2C3D4E503")), ("servi", ("BookingId", booking.Id.ToString())) })
            {
                var request = new HttpRequestMessage(HttpMethod.Post, $"{Till}/{action}")
                {
                    Content = new FormUrlEncodedContent([new("TerminalId", terminal), new(field.Item1, field.Item2)]),
                };
                request.Headers.Add("RequestVerificationToken", token);
                Assert.Equal(HttpStatusCode.NotFound, (await till.SendAsync(request)).StatusCode);
            }
            Assert.Equal(0, await ServingsAsync(booking.Id));
        }
        finally
        {
            await school.EnableModuleAsync(SchoolModule.Meals);
        }
    }

    /// <summary>A booking of today in a school of its own, whose pupil has money for it.</summary>
    async Task<Guid> OtherSchoolsBookingAsync(DateOnly today)
    {
        var school = Guid.CreateVersion7();
        var pupil = Guid.CreateVersion7();
        await using (var insert = Db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@school, @slug, 'Autre école');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@school, 1, 'Portefeuille général', 0), (@school, 2, 'Repas', 0);
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@pupil, @school, 'Ailleurs', 'Élève', '2A');
            """))
        {
            insert.Parameters.AddWithValue("school", school);
            insert.Parameters.AddWithValue("slug", $"autre-{school:N}");
            insert.Parameters.AddWithValue("pupil", pupil);
            await insert.ExecuteNonQueryAsync();
        }
        Assert.True((await KitchenDemo.Grains(web).GetGrain<IPurseGrain>(pupil).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, 1000,
            MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        Assert.True(await KitchenDemo.Menus(web).SetRulesAsync(school, new MealRules(28, new TimeOnly(23, 59), 0, null)));
        Assert.Null(await KitchenDemo.Menus(web).SetDayAsync(school, today, [KitchenDemo.Hot]));
        var result = await KitchenDemo.Grains(web).Day(school, today).BookAsync(new MealBooking("autre", pupil, KitchenDemo.Hot.Code, KitchenDemo.Parent));
        Assert.True(result.Booked, result.Refusal?.ToString());
        return result.Booking!.Id;
    }
}