using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Wallets;

/// <summary>
/// The demo school's wallets: two compartments, a bank account, and a few weeks of realistic history
/// for every pupil, written straight into the ledger (before any purse is active) with matching balances.
/// </summary>
public static class DemoWallets
{
    public const string Iban = "BE71096123456769";
    public const string Bic = "GKCCBEBB";

    static readonly string[] Snacks = ["Collation (12)", "Jus d'orange (7)", "Gaufre (21)", "Pomme (3)"];
    static readonly string[] Meals = ["Sandwich au rosbif", "Potage et tartine", "Spaghetti bolognaise", "Poisson pané, purée"];

    public static async Task SeedAsync(NpgsqlConnection connection, Guid schoolId, IReadOnlyList<Guid> pupils, DateTimeOffset now,
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
        foreach (var pupil in pupils)
        {
            var balances = new Dictionary<short, long> { [1] = 0, [2] = 0 };
            var entries = new List<(short Compartment, long Amount, string Kind, string? Method, string Subject, DateTimeOffset At)>();
            void Add(short compartment, long amount, string kind, string? method, string subject, DateTimeOffset at) =>
                entries.Add((compartment, amount, kind, method, subject, at));

            var start = SchoolTime.Day(now).AddDays(-28);
            // The locker and the mid-month top-ups fall on a school day whatever the day the demo is seeded.
            var midMonth = Enumerable.Range(14, 3).First(d => start.AddDays(d).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
            Add(1, 5000, "bank_top_up", "bank_transfer", "Rechargement par virement", At(start, 9, 0));
            Add(2, 4000, "bank_top_up", "bank_transfer", "Rechargement par virement", At(start, 9, 1));
            for (var day = 1; day < 28; day++)
            {
                var date = start.AddDays(day);
                if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
                {
                    continue;
                }
                if (random.Next(3) > 0)
                {
                    var snack = Snacks[random.Next(Snacks.Length)];
                    Add(1, -(80 + 10 * random.Next(8)), "sale", "wallet", $"Vente {snack}", At(date, 10, random.Next(20)));
                }
                if (date.DayOfWeek != DayOfWeek.Wednesday)
                {
                    var meal = Meals[random.Next(Meals.Length)];
                    var at = new[] { At(date.AddDays(-2), 19, 0), At(start, 10, 0) }.Max();
                    Add(2, -350, "meal_reservation", "wallet", $"Réservation de repas « {meal} » pour le {date:dd/MM/yyyy}", at);
                    if (random.Next(12) == 0)
                    {
                        Add(2, 350, "cancellation", "wallet", $"Annulation de la réservation « {meal} » du {date:dd/MM/yyyy}", at.AddHours(12));
                    }
                }
                if (day == midMonth)
                {
                    Add(1, -1500, "sale", "wallet", "Vente Casier sans caution (147)", At(date, 12, 0));
                    Add(1, 2500, "online_top_up", "bancontact", "Rechargement en ligne", At(date, 20, 0));
                    Add(2, 3000, "bank_top_up", "bank_transfer", "Rechargement par virement", At(date, 9, 0));
                }
            }

            var ordered = entries.OrderBy(e => e.At).ToList();
            var balanceAfter = new long[ordered.Count];
            for (var i = 0; i < ordered.Count; i++)
            {
                balances[ordered[i].Compartment] += ordered[i].Amount;
                balanceAfter[i] = balances[ordered[i].Compartment];
            }
            await ExecuteAsync(connection, cancellationToken, """
                INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, payment_method,
                                            subject, caused_by_kind, caused_by_name, idempotency_key, occurred_at)
                SELECT @school, @pupil, e.c, e.a, e.b, e.k, nullif(e.m, ''), e.s, 'import', 'Données de démonstration', 'demo-' || e.n, e.t
                FROM unnest(@c, @a, @b, @k, @m, @s, @t) WITH ORDINALITY AS e(c, a, b, k, m, s, t, n);
                UPDATE purse_compartments SET balance_cents = CASE compartment WHEN 1 THEN @b1 ELSE @b2 END WHERE pupil_id = @pupil;
                """,
                ("school", schoolId), ("pupil", pupil),
                ("c", ordered.Select(e => e.Compartment).ToArray()), ("a", ordered.Select(e => e.Amount).ToArray()),
                ("b", balanceAfter), ("k", ordered.Select(e => e.Kind).ToArray()),
                ("m", ordered.Select(e => e.Method ?? "").ToArray()), ("s", ordered.Select(e => e.Subject).ToArray()),
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
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}