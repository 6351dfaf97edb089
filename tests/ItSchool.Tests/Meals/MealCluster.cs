using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Orleans.TestingHost;

namespace ItSchool.Tests.Meals;

/// <summary>
/// A database and an in-process cluster for meal bookings. Each test makes a school of its own (rules, menus and
/// day grains are per school), with the two compartments of a real one, and pupils whose purses start empty.
/// </summary>
public sealed class MealCluster : IAsyncLifetime
{
    public static readonly Actor Parent = new(ActorKind.User, "amelie.lefevre", "Amélie Lefèvre");

    public MigratedDatabase Database { get; } = new();
    public TestCluster Cluster { get; private set; } = null!;
    public MealMenus Menus { get; private set; } = null!;
    public MealBookings Bookings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Menus = new MealMenus(Database.Db, TimeProvider.System);
        Bookings = new MealBookings(Database.Db);
        Cluster = await TestSilos.StartAsync(Database.ConnectionString, clusterId: "meals");
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    public IMealDayGrain Day(Guid schoolId, DateOnly day) => Cluster.GrainFactory.Day(schoolId, day);

    public IPurseGrain Purse(Guid pupilId) => Cluster.GrainFactory.GetGrain<IPurseGrain>(pupilId);

    /// <summary>A day <paramref name="days"/> from today in Brussels: with the default rules (09:00 the same day) days ahead are open.</summary>
    public static DateOnly InDays(int days) => SchoolTime.Today(TimeProvider.System).AddDays(days);

    public async Task<Guid> NewSchoolAsync()
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@id, @slug, 'École des repas');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@id, 1, 'Portefeuille général', 0), (@id, 2, 'Repas', 0);
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("slug", $"repas-{id:N}");
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public async Task<Guid> NewPupilAsync(Guid schoolId, long mealCents = 0, string className = "3A")
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Mangeur', 'Élève', @class)");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", schoolId);
        insert.Parameters.AddWithValue("class", className);
        await insert.ExecuteNonQueryAsync();
        if (mealCents > 0)
        {
            Assert.True((await Purse(id).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, mealCents, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        }
        return id;
    }

    /// <summary>A hot meal at 4,50 € from the meals compartment, containing milk and gluten.</summary>
    public static MealArticle HotMeal(int? capacity = null) => new("CHAUD", "Repas chaud", 450, 2, Allergens.Milk | Allergens.Gluten, capacity);

    public static MealArticle Soup { get; } = new("POTAGE", "Potage", 120, 2, Allergens.Celery, null);

    public async Task MenuAsync(Guid schoolId, DateOnly day, params MealArticle[] articles) =>
        Assert.Null(await Menus.SetDayAsync(schoolId, day, articles));

    public static MealBooking Request(Guid pupilId, string article = "CHAUD", string? key = null) =>
        new(key ?? Guid.NewGuid().ToString(), pupilId, article, Parent);

    public async Task<long> MealBalanceAsync(Guid pupilId) =>
        (await Purse(pupilId).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents;

    public Task<long> LedgerCountAsync(Guid schoolId, string kind) => Database.ScalarAsync<long>(
        "SELECT count(*) FROM ledger_entries WHERE school_id = @s AND kind = @k", ("s", schoolId), ("k", kind));

    public Task<long> BookingCountAsync(Guid schoolId, params string[] statuses) => Database.ScalarAsync<long>(
        "SELECT count(*) FROM meal_bookings WHERE school_id = @s AND status = ANY(@st)", ("s", schoolId), ("st", statuses));

    /// <summary>
    /// The money rules at the end of any test: every cached balance is its ledger's sum; every booking that was
    /// ever debited has exactly one meal entry and every refunded one exactly one cancellation entry.
    /// </summary>
    public async Task AssertConsistentAsync(Guid schoolId)
    {
        Assert.Equal(0, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM purse_compartments c
            WHERE c.school_id = @s AND c.balance_cents <> (SELECT COALESCE(sum(amount_cents), 0) FROM ledger_entries e
                                                           WHERE e.pupil_id = c.pupil_id AND e.compartment = c.compartment)
            """, ("s", schoolId)));
        Assert.Equal(await BookingCountAsync(schoolId, "booked", "cancelled", "refunded"), await LedgerCountAsync(schoolId, "meal_reservation"));
        Assert.Equal(await BookingCountAsync(schoolId, "refunded"), await LedgerCountAsync(schoolId, "cancellation"));
        Assert.Equal(0, await Database.ScalarAsync<long>("""
            SELECT count(*) FROM meal_bookings b
            WHERE b.school_id = @s AND (
                (SELECT count(*) FROM ledger_entries e WHERE e.pupil_id = b.pupil_id AND e.idempotency_key = b.debit_key AND e.amount_cents = -b.amount_cents)
                    <> CASE WHEN b.status IN ('booked', 'cancelled', 'refunded') THEN 1 ELSE 0 END
                OR (SELECT count(*) FROM ledger_entries e WHERE e.pupil_id = b.pupil_id AND e.idempotency_key = 'meal-refund/' || b.id::text
                    AND e.amount_cents = b.amount_cents) <> CASE WHEN b.status = 'refunded' THEN 1 ELSE 0 END)
            """, ("s", schoolId)));
    }
}