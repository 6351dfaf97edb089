using ItSchool.PointOfSale;
using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Wallets;

/// <summary>
/// The demo school's wallets: two compartments, a bank account, and a few weeks of realistic history
/// for every pupil, written straight into the ledger with matching balances — before any purse is active: the
/// pupils are new, and the web node answers no request until the features' demo seeds are done.
/// The snacks and the locker are sales of the demo canteen's articles, named as a terminal's sale is.
/// </summary>
public static class DemoWallets
{
    public const string Iban = "BE71096123456769";
    public const string Bic = "GKCCBEBB";

    static readonly string[] Meals = ["Sandwich au rosbif", "Potage et tartine", "Spaghetti bolognaise", "Poisson pané, purée"];

    /// <summary>Who wrote the demo's history, in the ledger: an import with this id and no name (words are the reader's).</summary>
    public const string ActorId = "demo";

    static readonly Actor Seed = new(ActorKind.Import, ActorId, null);
    static readonly Actor Canteen = new(ActorKind.Terminal, DemoPos.CanteenId.ToString(), DemoPos.CanteenName);

    sealed record Entry(short Compartment, long Amount, MovementKind Kind, PaymentMethod? Method, LedgerSubject Subject, DateTimeOffset At,
        Actor CausedBy, string? Key = null);

    /// <summary>
    /// Writes the wallets and their history, in one transaction, unless the demo school has its wallets already
    /// (a start that crashed after this and before the next feature's seed does not write them twice). The
    /// canteen's sales are debited here, where each purse's history is ordered; the point of sale's seed records
    /// them in its journal from these ledger rows (<see cref="DemoPos"/>).
    /// </summary>
    public static async Task SeedAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await DemoSchool.LockForSeedAsync(connection, "SELECT EXISTS (SELECT 1 FROM wallet_settings WHERE school_id = @school)",
            cancellationToken))
        {
            return;
        }
        await WriteAsync(connection, DemoSchool.Id, await DemoSchool.PupilIdsAsync(connection, cancellationToken), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    static async Task WriteAsync(NpgsqlConnection connection, Guid schoolId, IReadOnlyList<Guid> pupils, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, cancellationToken, """
            INSERT INTO wallet_settings (school_id, iban, bic, beneficiary) VALUES (@school, @iban, @bic, 'École de démo ASBL');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES
                (@school, 1, 'Portefeuille général', 0),
                (@school, 2, 'Repas', -500);
            INSERT INTO purse_compartments (pupil_id, compartment, school_id)
            SELECT p, c, @school FROM unnest(@pupils) AS p, (VALUES (1::smallint), (2::smallint)) AS c(c);
            """, ("school", schoolId), ("iban", Iban), ("bic", Bic), ("pupils", pupils.ToArray()));

        var random = new Random(20250901);
        var sales = new List<DemoPos.Sale>();
        foreach (var pupil in pupils)
        {
            var entries = new List<Entry>();
            void Add(short compartment, long amount, MovementKind kind, PaymentMethod method, LedgerSubject subject, DateTimeOffset at) =>
                entries.Add(new Entry(compartment, amount, kind, method, subject, at, Seed));
            void Sell(IReadOnlyList<PricedLine> lines, DateTimeOffset at)
            {
                var sale = new DemoPos.Sale(pupil, $"demo-{sales.Count + 1}", lines, at);
                sales.Add(sale);
                entries.Add(new Entry(1, -sale.AmountCents, MovementKind.Sale, PaymentMethod.Wallet, SaleLines.Subject(lines), at, Canteen,
                    sale.LedgerKey));
            }

            var start = SchoolTime.Day(now).AddDays(-28);
            // The locker and the mid-month top-ups fall on a school day whatever the day the demo is seeded.
            var midMonth = Enumerable.Range(14, 3).First(d => start.AddDays(d).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
            Add(1, 5000, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, At(start, 9, 0));
            Add(2, 4000, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, At(start, 9, 1));
            for (var day = 1; day < 28; day++)
            {
                var date = start.AddDays(day);
                // Every day draws alike, so a day's purchases do not depend on which earlier days were weekends.
                var buysSnack = random.Next(3) > 0;
                var snack = DemoPos.Snacks[random.Next(DemoPos.Snacks.Length)];
                var snackMinute = random.Next(20);
                var meal = Meals[random.Next(Meals.Length)];
                var mealCancelled = random.Next(12) == 0;
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }
                if (buysSnack)
                {
                    Sell(snack, At(date, 10, snackMinute));
                }
                if (date.DayOfWeek != DayOfWeek.Wednesday)
                {
                    // Under a meal booking's own keys: the meals' demo seed records the bookings from these rows (DemoMeals).
                    var at = new[] { At(date.AddDays(-2), 19, 0), At(start, 10, 0) }.Max();
                    var booking = Guid.CreateVersion7(at);
                    entries.Add(new Entry(2, -350, MovementKind.MealReservation, PaymentMethod.Wallet, LedgerSubject.MealReservation(meal, date), at,
                        Seed, $"meal/{booking}"));
                    if (mealCancelled)
                    {
                        entries.Add(new Entry(2, 350, MovementKind.Cancellation, PaymentMethod.Wallet, LedgerSubject.MealCancellation(meal, date),
                            at.AddHours(12), Seed, $"meal-refund/{booking}"));
                    }
                }
                if (day == midMonth)
                {
                    Sell(DemoPos.Locker, At(date, 12, 0));
                    Add(1, 2500, MovementKind.OnlineTopUp, PaymentMethod.Bancontact, LedgerSubject.OnlineTopUp, At(date, 20, 0));
                    Add(2, 3000, MovementKind.BankTopUp, PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, At(date, 9, 0));
                }
            }

            var ordered = entries.OrderBy(e => e.At).ToList();
            var balances = new Dictionary<short, long> { [1] = 0, [2] = 0 };
            var balanceAfter = new long[ordered.Count];
            for (var i = 0; i < ordered.Count; i++)
            {
                balances[ordered[i].Compartment] += ordered[i].Amount;
                balanceAfter[i] = balances[ordered[i].Compartment];
            }
            await ExecuteAsync(connection, cancellationToken, """
                INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                            subject_code, subject_args, caused_by_kind, caused_by_id, caused_by_name, idempotency_key,
                                            occurred_at, spend_kind)
                -- The demo's sales are all the canteen's: purchases its spending limits count, as the till's own.
                SELECT @school, @pupil, e.c, e.a, e.b, e.k, e.m, e.s, e.sa, e.ak, e.ai, e.an, coalesce(e.key, 'demo-' || e.n), e.t,
                       CASE WHEN e.k = 'sale' THEN 1 END
                FROM unnest(@c, @a, @b, @k, @m::text[], @s, @sa, @ak, @ai::text[], @an::text[], @key::text[], @t)
                     WITH ORDINALITY AS e(c, a, b, k, m, s, sa, ak, ai, an, key, t, n);
                UPDATE purse_compartments SET balance_cents = CASE compartment WHEN 1 THEN @b1 ELSE @b2 END WHERE pupil_id = @pupil;
                """,
                ("school", schoolId), ("pupil", pupil),
                ("c", ordered.Select(e => e.Compartment).ToArray()), ("a", ordered.Select(e => e.Amount).ToArray()),
                ("b", balanceAfter), ("k", ordered.Select(e => LedgerNames.ToDatabase(e.Kind)).ToArray()),
                ("m", ordered.Select(e => e.Method is { } m ? LedgerNames.ToDatabase(m) : null).ToArray()),
                ("s", ordered.Select(e => LedgerNames.ToDatabase(e.Subject.Code)).ToArray()),
                ("sa", Ledger.SubjectArguments("sa", ordered.Select(e => e.Subject))),
                ("ak", ordered.Select(e => LedgerNames.ToDatabase(e.CausedBy.Kind)).ToArray()),
                ("ai", ordered.Select(e => e.CausedBy.Id).ToArray()), ("an", ordered.Select(e => e.CausedBy.Name).ToArray()),
                ("key", ordered.Select(e => e.Key).ToArray()),
                ("t", ordered.Select(e => e.At).ToArray()), ("b1", balances[1]), ("b2", balances[2]));
        }
    }

    static DateTimeOffset At(DateOnly day, int hour, int minute) => SchoolTime.Moment(day, new TimeOnly(hour, minute));

    static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken cancellationToken, string sql,
        params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            // A parameter made with its type (jsonb[]) goes in as it is.
            if (value is NpgsqlParameter typed)
            {
                command.Parameters.Add(typed);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}