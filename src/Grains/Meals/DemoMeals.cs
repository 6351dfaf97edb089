using System.Globalization;
using System.Text;
using ItSchool.Schools;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// The demo school's meals: rules (four weeks ahead, until 09:00 the same day), the bookings behind the meals the
/// wallets' demo history already debited, a menu for every school day of the next four weeks, a younger class's
/// lower price, Lucas's peanut allergy, and a few meals Chloé's and Benoît's parents booked for next week.
/// </summary>
public static class DemoMeals
{
    /// <summary>The "Repas" compartment of the demo wallets (<see cref="DemoWallets"/>).</summary>
    const short Compartment = 2;

    static readonly Actor Seed = new(ActorKind.Import, DemoWallets.ActorId, null);

    static readonly (string Label, Allergens Allergens)[] HotMeals =
    [
        ("Spaghetti bolognaise", Allergens.Gluten | Allergens.Celery),
        ("Poisson pané, purée", Allergens.Fish | Allergens.Gluten | Allergens.Milk | Allergens.Eggs),
        ("Vol-au-vent, riz", Allergens.Gluten | Allergens.Milk | Allergens.Celery),
        ("Satay de poulet aux arachides, riz", Allergens.Peanuts | Allergens.Soybeans | Allergens.Sesame),
        ("Lasagne végétarienne", Allergens.Gluten | Allergens.Milk | Allergens.Eggs),
        ("Stoemp aux carottes, saucisse", Allergens.Milk | Allergens.Mustard),
        ("Boulettes sauce tomate, purée", Allergens.Gluten | Allergens.Eggs | Allergens.Milk | Allergens.Celery),
        ("Chili sin carne, riz", Allergens.Celery),
    ];

    static readonly MealArticle Soup = new("POTAGE", "Potage du jour", 80, Compartment, Allergens.Celery | Allergens.Milk, null);
    static readonly MealArticle Sandwich = new("SANDWICH", "Sandwich au fromage", 320, Compartment, Allergens.Gluten | Allergens.Milk, 30);

    /// <summary>Seeds once (a second call finds the rules and writes nothing); the future bookings go through the days' grains, under fixed keys.</summary>
    public static async Task SeedAsync(NpgsqlDataSource db, IGrainFactory grains, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = SchoolTime.Day(now);
        IReadOnlyList<Guid> pupils;
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (!await DemoSchool.LockForSeedAsync(connection, "SELECT EXISTS (SELECT 1 FROM meal_rules WHERE school_id = @school)", cancellationToken))
            {
                return;
            }
            pupils = await DemoSchool.PupilIdsAsync(connection, cancellationToken);
            await ExecuteAsync(connection, """
                INSERT INTO meal_rules (school_id, horizon_days, cutoff_time, cutoff_school_days, allowed_classes, updated_at)
                VALUES (@school, 28, '09:00', 0, NULL, @now);
                INSERT INTO meal_class_prices (school_id, article_code, class_name, price_cents) VALUES (@school, 'REPAS', '1C', 380);
                INSERT INTO meal_allergies (pupil_id, allergens, updated_at) VALUES (@lucas, @peanuts, @now);
                """, cancellationToken, ("school", DemoSchool.Id), ("now", now), ("lucas", pupils[1]), ("peanuts", (int)Allergens.Peanuts));
            await RecordPastBookingsAsync(connection, cancellationToken);
            await WriteMenusAsync(connection, today, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        // Chloé (marc.dubois) and Benoît (the Lefèvres) have next week's Monday and Tuesday hot meals booked.
        var monday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        foreach (var pupil in new[] { pupils[3], pupils[0] })
        {
            foreach (var day in new[] { monday, monday.AddDays(1) })
            {
                await grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking($"demo-{pupil}-{MealDays.Key(day)}", pupil, "REPAS", Seed));
            }
        }
    }

    /// <summary>The bookings the wallets' demo history debited (keys meal/{id}) and refunded (meal-refund/{id}), with their days' articles.</summary>
    static async Task RecordPastBookingsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var past = new List<(Guid Id, Guid Pupil, DateOnly Day, string Label, long Amount, DateTimeOffset BookedAt, DateTimeOffset? RefundedAt)>();
        await using (var query = new NpgsqlCommand("""
            SELECT substr(d.idempotency_key, 6)::uuid, d.pupil_id, (d.subject_args ->> 1)::date, d.subject_args ->> 0, -d.amount_cents,
                   d.occurred_at, r.occurred_at
            FROM ledger_entries d
            LEFT JOIN ledger_entries r ON r.pupil_id = d.pupil_id AND r.idempotency_key = 'meal-refund/' || substr(d.idempotency_key, 6)
            WHERE d.school_id = @school AND d.idempotency_key LIKE 'meal/%'
            """, connection))
        {
            query.Parameters.AddWithValue("school", DemoSchool.Id);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                past.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3), reader.GetInt64(4),
                    reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }
        var articles = past.Select(b => (b.Day, b.Label, b.Amount)).Distinct().ToList();
        await ExecuteAsync(connection, """
            INSERT INTO meal_articles (school_id, day, code, label, price_cents, compartment, allergens, capacity)
            SELECT @school, a.day, a.code, a.label, a.price, @compartment, 0, NULL FROM unnest(@days, @codes, @labels, @prices) AS a(day, code, label, price);
            INSERT INTO meal_bookings (id, school_id, day, article_code, label, pupil_id, compartment, amount_cents, request_key, booked_by_kind,
                                       booked_by_id, status, debit_key, refund_key, refund_reason, cancelled_by, created_at, booked_at, cancelled_at,
                                       finished_at)
            SELECT b.id, @school, b.day, b.code, b.label, b.pupil, @compartment, b.amount, 'demo-' || b.id, 'import', @actor,
                   CASE WHEN b.refunded IS NULL THEN 'booked' ELSE 'refunded' END, 'meal/' || b.id,
                   CASE WHEN b.refunded IS NULL THEN NULL ELSE 'meal-refund/' || b.id END,
                   CASE WHEN b.refunded IS NULL THEN NULL ELSE 'cancelled_by_guardian' END, NULL, b.booked, b.booked, b.refunded, b.refunded
            FROM unnest(@ids, @pupils, @booking_days, @booking_codes, @booking_labels, @amounts, @booked, @refunded)
                 AS b(id, pupil, day, code, label, amount, booked, refunded);
            """, cancellationToken, ("school", DemoSchool.Id), ("compartment", Compartment), ("actor", DemoWallets.ActorId),
            ("days", articles.Select(a => a.Day).ToArray()), ("codes", articles.Select(a => Code(a.Label)).ToArray()),
            ("labels", articles.Select(a => a.Label).ToArray()), ("prices", articles.Select(a => a.Amount).ToArray()),
            ("ids", past.Select(b => b.Id).ToArray()), ("pupils", past.Select(b => b.Pupil).ToArray()),
            ("booking_days", past.Select(b => b.Day).ToArray()), ("booking_codes", past.Select(b => Code(b.Label)).ToArray()),
            ("booking_labels", past.Select(b => b.Label).ToArray()), ("amounts", past.Select(b => b.Amount).ToArray()),
            ("booked", past.Select(b => b.BookedAt).ToArray()),
            ("refunded", new NpgsqlParameter<DateTimeOffset?[]>("refunded", past.Select(b => b.RefundedAt).ToArray())));
    }

    /// <summary>
    /// Every school day from today for four weeks: the day's hot meal (none on Wednesday, a half day in Belgian primary
    /// schools), the soup and a sandwich limited to 30.
    /// </summary>
    static async Task WriteMenusAsync(NpgsqlConnection connection, DateOnly today, CancellationToken cancellationToken)
    {
        var rows = new List<(DateOnly Day, MealArticle Article)>();
        for (var (day, n) = (today, 0); day < today.AddDays(28); day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            if (day.DayOfWeek != DayOfWeek.Wednesday)
            {
                var (label, allergens) = HotMeals[n++ % HotMeals.Length];
                rows.Add((day, new MealArticle("REPAS", label, 450, Compartment, allergens, 120)));
            }
            rows.Add((day, Soup));
            rows.Add((day, Sandwich));
        }
        await ExecuteAsync(connection, """
            INSERT INTO meal_articles (school_id, day, code, label, price_cents, compartment, allergens, capacity)
            SELECT @school, a.day, a.code, a.label, a.price, @compartment, a.allergens, a.capacity
            FROM unnest(@days, @codes, @labels, @prices, @allergens, @capacities) AS a(day, code, label, price, allergens, capacity)
            ON CONFLICT (school_id, day, code) DO NOTHING
            """, cancellationToken, ("school", DemoSchool.Id), ("compartment", Compartment), ("days", rows.Select(r => r.Day).ToArray()),
            ("codes", rows.Select(r => r.Article.Code).ToArray()), ("labels", rows.Select(r => r.Article.Label).ToArray()),
            ("prices", rows.Select(r => r.Article.PriceCents).ToArray()), ("allergens", rows.Select(r => (int)r.Article.Allergens).ToArray()),
            ("capacities", new NpgsqlParameter<int?[]>("capacities", rows.Select(r => r.Article.Capacity).ToArray())));
    }

    /// <summary>An article code from a dish's name: "Poisson pané, purée" is POISSON-PANE-PUREE.</summary>
    static string Code(string label)
    {
        var ascii = string.Concat(label.Normalize(NormalizationForm.FormD).Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark));
        var words = ascii.ToUpperInvariant().Split([' ', ',', '\''], StringSplitOptions.RemoveEmptyEntries);
        var code = string.Join('-', words);
        return code.Length <= 20 ? code : code[..20].TrimEnd('-');
    }

    static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter parameter)
            {
                command.Parameters.Add(parameter);
            }
            else
            {
                command.Parameters.AddWithValue(name, value);
            }
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}