using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>The demo school's month of meals: every meal entry of the demo ledger has its booking, the next four weeks have menus, seeding twice adds nothing.</summary>
public sealed class DemoMealsTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Every_meal_entry_of_the_demo_ledger_is_a_booking_and_every_booking_has_its_entries()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var debits = await ScalarAsync<long>(db, "SELECT count(*) FROM ledger_entries WHERE school_id = @school AND kind = 'meal_reservation'");
        Assert.True(debits > 40, $"only {debits} meals in the demo's history");
        Assert.Equal(debits, await ScalarAsync<long>(db, """
            SELECT count(*) FROM meal_bookings b JOIN ledger_entries l ON l.idempotency_key = b.debit_key AND l.pupil_id = b.pupil_id
            WHERE b.school_id = @school AND b.status IN ('booked', 'cancelled', 'refunded') AND l.amount_cents = -b.amount_cents
            """));
        Assert.Equal(await ScalarAsync<long>(db, "SELECT count(*) FROM ledger_entries WHERE school_id = @school AND kind = 'cancellation'"),
            await ScalarAsync<long>(db, """
                SELECT count(*) FROM meal_bookings b JOIN ledger_entries l ON l.idempotency_key = b.refund_key AND l.pupil_id = b.pupil_id
                WHERE b.school_id = @school AND b.status = 'refunded' AND l.amount_cents = b.amount_cents
                """));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM meal_bookings WHERE school_id = @school AND status NOT IN ('booked', 'refunded')"));
    }

    [Fact]
    public async Task The_next_four_weeks_have_a_menu_every_school_day_and_next_week_has_meals_booked()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var today = SchoolTime.Today(web.Clock);
        var schoolDays = Enumerable.Range(0, 28).Select(today.AddDays).Count(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
        Assert.Equal(schoolDays, await ScalarAsync<long>(db, $"SELECT count(DISTINCT day) FROM meal_articles WHERE school_id = @school AND day >= '{today:yyyy-MM-dd}'"));
        Assert.Equal(0L, await ScalarAsync<long>(db,
            $"SELECT count(*) FROM meal_articles WHERE school_id = @school AND day >= '{today:yyyy-MM-dd}' AND code = 'REPAS' AND extract(isodow FROM day) = 3"));
        var monday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        Assert.Equal(4, (await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, monday).GetBookingsAsync())
            .Concat(await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, monday.AddDays(1)).GetBookingsAsync())
            .Count(b => b.Status == BookingStatus.Booked));
    }

    [Fact]
    public async Task Seeding_the_meals_again_adds_nothing()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        const string counts = """
            SELECT format('%s %s %s %s', (SELECT count(*) FROM ledger_entries), (SELECT count(*) FROM meal_bookings),
                          (SELECT count(*) FROM meal_articles), (SELECT count(*) FROM meal_allergies))
            """;
        var before = await ScalarAsync<string>(db, counts);
        foreach (var feature in web.Services.GetRequiredService<Features>().All.Where(f => f.Module is SchoolModule.Meals))
        {
            await feature.SeedDemoAsync(web.Services, CancellationToken.None);
        }
        Assert.Equal(before, await ScalarAsync<string>(db, counts));
    }

    static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}