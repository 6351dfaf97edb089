using System.Text.RegularExpressions;
using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// The school's side of meals: rules, each day's articles, closed days, class prices and pupils' declared
/// allergies, and a pupil's month as a parent's calendar shows it. Bookings are the day's grain's alone: closing a
/// day or withdrawing an article with bookings goes through <see cref="IMealDayGrain"/>, which refunds them.
/// </summary>
public sealed partial class MealMenus(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<MealRules?> LoadRulesAsync(Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT horizon_days, cutoff_time, cutoff_school_days, allowed_classes FROM meal_rules WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadRules(reader) : null;
    }

    static MealRules ReadRules(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetFieldValue<TimeOnly>(1), reader.GetInt16(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3));

    /// <summary>Creates or replaces the school's rules; false (nothing written) when they make no sense.</summary>
    public async Task<bool> SetRulesAsync(Guid schoolId, MealRules rules)
    {
        if (!rules.IsValid)
        {
            return false;
        }
        await using var command = db.CreateCommand("""
            INSERT INTO meal_rules (school_id, horizon_days, cutoff_time, cutoff_school_days, allowed_classes, updated_at)
            VALUES (@school, @horizon, @time, @days, @classes, @at)
            ON CONFLICT (school_id) DO UPDATE SET horizon_days = excluded.horizon_days, cutoff_time = excluded.cutoff_time,
                cutoff_school_days = excluded.cutoff_school_days, allowed_classes = excluded.allowed_classes, updated_at = excluded.updated_at
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("horizon", rules.HorizonDays);
        command.Parameters.AddWithValue("time", rules.CutOffTime);
        command.Parameters.AddWithValue("days", (short)rules.CutOffSchoolDays);
        command.Parameters.Add(new NpgsqlParameter<string[]?>("classes", rules.AllowedClasses?.Select(c => c.Trim()).ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue("at", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync();
        return true;
    }

    /// <summary>
    /// Sets a day's articles: those listed are created or updated, those left out are removed. An article with
    /// bookings cannot be left out (it is withdrawn through the day's grain) nor get a capacity below them.
    /// </summary>
    public async Task<MenuProblem?> SetDayAsync(Guid schoolId, DateOnly day, IReadOnlyList<MealArticle> articles)
    {
        if (articles.Select(a => a.Code).Distinct().Count() != articles.Count)
        {
            return MenuProblem.DuplicateCode;
        }
        if (articles.FirstOrDefault(a => Check(a) is not null) is { } wrong)
        {
            return Check(wrong);
        }
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // The day's bookings, per article, as they stand: held ones count against a capacity.
        var booked = new Dictionary<string, (int All, int Held)>();
        await using (var count = new NpgsqlCommand("""
            SELECT a.code, count(b.id), count(b.id) FILTER (WHERE b.status IN ('pending', 'booked'))
            FROM meal_articles a LEFT JOIN meal_bookings b ON b.school_id = a.school_id AND b.day = a.day AND b.article_code = a.code
            WHERE a.school_id = @school AND a.day = @day GROUP BY a.code
            """, connection, transaction))
        {
            count.Parameters.AddWithValue("school", schoolId);
            count.Parameters.AddWithValue("day", day);
            await using var reader = await count.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                booked[reader.GetString(0)] = ((int)reader.GetInt64(1), (int)reader.GetInt64(2));
            }
        }
        if (booked.Any(b => b.Value.All > 0 && articles.All(a => a.Code != b.Key)))
        {
            return MenuProblem.ArticleHasBookings;
        }
        if (articles.Any(a => a.Capacity is { } capacity && booked.TryGetValue(a.Code, out var b) && b.Held > capacity))
        {
            return MenuProblem.CapacityBelowBookings;
        }
        if (!await CompartmentsExistAsync(connection, transaction, schoolId, articles.Select(a => a.Compartment)))
        {
            return MenuProblem.UnknownCompartment;
        }
        await using (var remove = new NpgsqlCommand(
            "DELETE FROM meal_articles WHERE school_id = @school AND day = @day AND NOT (code = ANY(@codes))", connection, transaction))
        {
            remove.Parameters.AddWithValue("school", schoolId);
            remove.Parameters.AddWithValue("day", day);
            remove.Parameters.AddWithValue("codes", articles.Select(a => a.Code).ToArray());
            await remove.ExecuteNonQueryAsync();
        }
        foreach (var article in articles)
        {
            await UpsertAsync(connection, transaction, schoolId, day, article);
        }
        await transaction.CommitAsync();
        return null;
    }

    /// <summary>Copies a week's articles (Monday to Sunday) onto another week, on the days that have none yet; answers how many were copied.</summary>
    public async Task<int> CopyWeekAsync(Guid schoolId, DateOnly fromMonday, DateOnly toMonday)
    {
        if (fromMonday.DayOfWeek != DayOfWeek.Monday || toMonday.DayOfWeek != DayOfWeek.Monday || fromMonday == toMonday)
        {
            return 0;
        }
        await using var command = db.CreateCommand("""
            INSERT INTO meal_articles (school_id, day, code, label, price_cents, compartment, allergens, capacity)
            SELECT a.school_id, a.day + @shift, a.code, a.label, a.price_cents, a.compartment, a.allergens, a.capacity
            FROM meal_articles a
            WHERE a.school_id = @school AND a.day BETWEEN @from AND @from + 6 AND a.withdrawn_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM meal_articles t WHERE t.school_id = a.school_id AND t.day = a.day + @shift)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("from", fromMonday);
        command.Parameters.AddWithValue("shift", toMonday.DayNumber - fromMonday.DayNumber);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Closes a day (the first reason given stays). Call <see cref="IMealDayGrain.CloseAsync"/>: it refunds the day's bookings.</summary>
    internal async Task CloseDayAsync(Guid schoolId, DateOnly day, ClosureReason reason)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO meal_closed_days (school_id, day, reason, closed_at) VALUES (@school, @day, @reason, @at)
            ON CONFLICT (school_id, day) DO NOTHING
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("reason", LedgerNames.ToDatabase(reason));
        command.Parameters.AddWithValue("at", clock.GetUtcNow());
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens a closed day to bookings again (what was refunded stays refunded).</summary>
    public async Task ReopenDayAsync(Guid schoolId, DateOnly day)
    {
        await using var command = db.CreateCommand("DELETE FROM meal_closed_days WHERE school_id = @school AND day = @day");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Withdraws an article. Call <see cref="IMealDayGrain.WithdrawAsync"/>: it refunds the article's bookings.</summary>
    internal async Task<bool> WithdrawAsync(Guid schoolId, DateOnly day, string code)
    {
        await using var command = db.CreateCommand("""
            UPDATE meal_articles SET withdrawn_at = COALESCE(withdrawn_at, @at) WHERE school_id = @school AND day = @day AND code = @code
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("at", clock.GetUtcNow());
        return await command.ExecuteNonQueryAsync() == 1;
    }

    /// <summary>What an article costs these classes (null: the article's own price again).</summary>
    public async Task<MenuProblem?> SetClassPriceAsync(Guid schoolId, string articleCode, IReadOnlyList<string> classes, long? priceCents)
    {
        if (!CodeShape().IsMatch(articleCode) || classes.Count == 0 || classes.Any(c => string.IsNullOrWhiteSpace(c) || c.Trim().Length > 20))
        {
            return MenuProblem.InvalidArticle;
        }
        if (priceCents is <= 0 or > MealArticle.MaxPriceCents)
        {
            return MenuProblem.InvalidPrice;
        }
        await using var command = priceCents is null
            ? db.CreateCommand("DELETE FROM meal_class_prices WHERE school_id = @school AND article_code = @code AND class_name = ANY(@classes)")
            : db.CreateCommand("""
                INSERT INTO meal_class_prices (school_id, article_code, class_name, price_cents)
                SELECT @school, @code, c, @price FROM unnest(@classes) AS c
                ON CONFLICT (school_id, article_code, class_name) DO UPDATE SET price_cents = excluded.price_cents
                """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("code", articleCode);
        command.Parameters.AddWithValue("classes", classes.Select(c => c.Trim()).Distinct().ToArray());
        if (priceCents is { } price)
        {
            command.Parameters.AddWithValue("price", price);
        }
        await command.ExecuteNonQueryAsync();
        return null;
    }

    /// <summary>Records the allergies declared for a pupil of this school; false if the pupil is not the school's.</summary>
    public async Task<bool> SetAllergiesAsync(Guid schoolId, Guid pupilId, Allergens allergens)
    {
        if ((allergens & ~Allergens.All) != 0)
        {
            return false;
        }
        await using var command = db.CreateCommand(allergens == Allergens.None
            ? "DELETE FROM meal_allergies a USING pupils p WHERE a.pupil_id = p.id AND p.id = @pupil AND p.school_id = @school"
            : """
              INSERT INTO meal_allergies (pupil_id, allergens, updated_at)
              SELECT id, @allergens, @at FROM pupils WHERE id = @pupil AND school_id = @school
              ON CONFLICT (pupil_id) DO UPDATE SET allergens = excluded.allergens, updated_at = excluded.updated_at
              """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        command.Parameters.AddWithValue("allergens", (int)allergens);
        command.Parameters.AddWithValue("at", clock.GetUtcNow());
        var changed = await command.ExecuteNonQueryAsync();
        return changed == 1 || (allergens == Allergens.None && await IsPupilOfAsync(schoolId, pupilId));
    }

    /// <summary>A pupil's month: each day's articles at the pupil's price, the closed days, the pupil's bookings and allergies.</summary>
    public Task<PupilMealMonth?> MonthForPupilAsync(Guid schoolId, Guid pupilId, int year, int month) =>
        ForPupilAsync(schoolId, pupilId, new DateOnly(year, month, 1), new DateOnly(year, month, 1).AddMonths(1).AddDays(-1));

    /// <summary>One day of <see cref="MonthForPupilAsync"/>: what a booking's answer shows again, without reading the whole month.</summary>
    public Task<PupilMealMonth?> DayForPupilAsync(Guid schoolId, Guid pupilId, DateOnly day) => ForPupilAsync(schoolId, pupilId, day, day);

    async Task<PupilMealMonth?> ForPupilAsync(Guid schoolId, Guid pupilId, DateOnly first, DateOnly last)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT horizon_days, cutoff_time, cutoff_school_days, allowed_classes FROM meal_rules WHERE school_id = @school"));
        batch.BatchCommands.Add(Command("SELECT p.class_name, COALESCE(a.allergens, 0) FROM pupils p LEFT JOIN meal_allergies a ON a.pupil_id = p.id WHERE p.id = @pupil AND p.school_id = @school"));
        batch.BatchCommands.Add(Command(OfferedToPupil));
        batch.BatchCommands.Add(Command("SELECT day, reason FROM meal_closed_days WHERE school_id = @school AND day BETWEEN @first AND @last ORDER BY day"));
        batch.BatchCommands.Add(Command("""
            SELECT id, day, article_code, label, amount_cents, status FROM meal_bookings
            WHERE pupil_id = @pupil AND school_id = @school AND day BETWEEN @first AND @last AND status IN ('pending', 'booked')
            ORDER BY day, created_at
            """));
        await using var reader = await batch.ExecuteReaderAsync();
        var rules = await reader.ReadAsync() ? ReadRules(reader) : MealRules.Default;
        await reader.NextResultAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }
        var allergies = (Allergens)reader.GetInt32(1);
        await reader.NextResultAsync();
        var articles = await ReadOfferedAsync(reader);
        await reader.NextResultAsync();
        var closed = new Dictionary<DateOnly, ClosureReason>();
        while (await reader.ReadAsync())
        {
            closed[reader.GetFieldValue<DateOnly>(0)] = LedgerNames.FromDatabase<ClosureReason>(reader.GetString(1));
        }
        await reader.NextResultAsync();
        var booked = new List<PupilMeal>();
        while (await reader.ReadAsync())
        {
            booked.Add(new PupilMeal(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                LedgerNames.FromDatabase<BookingStatus>(reader.GetString(5))));
        }
        return new PupilMealMonth(allergies, articles.GroupBy(a => a.Day).ToDictionary(g => g.Key, g => (IReadOnlyList<MealArticle>)g.Select(a => a.Article).ToList()),
            closed, booked, rules);

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("pupil", pupilId);
            command.Parameters.AddWithValue("first", first);
            command.Parameters.AddWithValue("last", last);
            return command;
        }
    }

    /// <summary>The articles on offer between @first and @last, at @pupil's price (the class's when the school set one).</summary>
    internal const string OfferedToPupil = """
        SELECT a.day, a.code, a.label, COALESCE(cp.price_cents, a.price_cents), a.compartment, a.allergens, a.capacity
        FROM meal_articles a
        LEFT JOIN pupils p ON p.id = @pupil
        LEFT JOIN meal_class_prices cp ON cp.school_id = a.school_id AND cp.article_code = a.code AND cp.class_name = p.class_name
        WHERE a.school_id = @school AND a.day BETWEEN @first AND @last AND a.withdrawn_at IS NULL
        ORDER BY a.day, a.code
        """;

    internal static async Task<List<(DateOnly Day, MealArticle Article)>> ReadOfferedAsync(NpgsqlDataReader reader)
    {
        var articles = new List<(DateOnly Day, MealArticle Article)>();
        while (await reader.ReadAsync())
        {
            articles.Add((reader.GetFieldValue<DateOnly>(0), new MealArticle(reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                reader.GetInt16(4), (Allergens)reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetInt32(6))));
        }
        return articles;
    }

    /// <summary>
    /// The school's days from <paramref name="first"/> (Monday to Friday by default): each day's articles, withdrawn ones
    /// too, with how many bookings each holds and how many were refunded, and whether the day is closed.
    /// </summary>
    public async Task<IReadOnlyList<MenuDay>> DaysAsync(Guid schoolId, DateOnly first, int count = 5)
    {
        var last = first.AddDays(count - 1);
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Range(schoolId, first, last, """
            SELECT a.day, a.code, a.label, a.price_cents, a.compartment, a.allergens, a.capacity, a.withdrawn_at IS NOT NULL,
                   count(b.id) FILTER (WHERE b.status IN ('pending', 'booked')), count(b.id) FILTER (WHERE b.status IN ('cancelled', 'refunded')),
                   count(b.id)
            FROM meal_articles a LEFT JOIN meal_bookings b ON b.school_id = a.school_id AND b.day = a.day AND b.article_code = a.code
            WHERE a.school_id = @school AND a.day BETWEEN @first AND @last
            GROUP BY a.school_id, a.day, a.code ORDER BY a.day, a.withdrawn_at IS NOT NULL, a.code
            """));
        batch.BatchCommands.Add(Range(schoolId, first, last, "SELECT day, reason FROM meal_closed_days WHERE school_id = @school AND day BETWEEN @first AND @last"));
        await using var reader = await batch.ExecuteReaderAsync();
        var articles = new List<(DateOnly Day, MenuArticle Article)>();
        while (await reader.ReadAsync())
        {
            articles.Add((reader.GetFieldValue<DateOnly>(0), new MenuArticle(
                new MealArticle(reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt16(4), (Allergens)reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetInt32(6)),
                reader.GetBoolean(7), (int)reader.GetInt64(8), (int)reader.GetInt64(9), (int)reader.GetInt64(10))));
        }
        await reader.NextResultAsync();
        var closed = new Dictionary<DateOnly, ClosureReason>();
        while (await reader.ReadAsync())
        {
            closed[reader.GetFieldValue<DateOnly>(0)] = LedgerNames.FromDatabase<ClosureReason>(reader.GetString(1));
        }
        return Enumerable.Range(0, count).Select(i => first.AddDays(i))
            .Select(day => new MenuDay(day, articles.Where(a => a.Day == day).Select(a => a.Article).ToList(), closed.TryGetValue(day, out var reason) ? reason : null))
            .ToList();
    }

    /// <summary>The school's pupils (of the allowed classes, if any) who hold no meal between the two days.</summary>
    public async Task<IReadOnlyList<PupilWithoutMeal>> PupilsWithoutMealsAsync(Guid schoolId, DateOnly first, DateOnly last, IReadOnlyList<string>? classes = null)
    {
        await using var command = RangeCommand(schoolId, first, last, """
            SELECT p.id, p.first_name, p.last_name, p.class_name FROM pupils p
            WHERE p.school_id = @school AND (@classes::text[] IS NULL OR p.class_name = ANY(@classes))
              AND NOT EXISTS (SELECT 1 FROM meal_bookings b WHERE b.pupil_id = p.id AND b.school_id = @school
                              AND b.day BETWEEN @first AND @last AND b.status IN ('pending', 'booked'))
            ORDER BY p.class_name, p.last_name, p.first_name
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]?>("classes", classes?.ToArray()) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync();
        var pupils = new List<PupilWithoutMeal>();
        while (await reader.ReadAsync())
        {
            pupils.Add(new PupilWithoutMeal(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }
        return pupils;
    }

    /// <summary>The bookings of those days that were refunded (or whose refund is on its way), with why and when.</summary>
    public async Task<IReadOnlyList<RefundedMeal>> RefundsAsync(Guid schoolId, DateOnly first, DateOnly last)
    {
        await using var command = RangeCommand(schoolId, first, last, """
            SELECT b.id, b.day, b.label, p.id, p.first_name, p.last_name, p.class_name, b.amount_cents, b.refund_reason, b.cancelled_at, b.status = 'refunded'
            FROM meal_bookings b JOIN pupils p ON p.id = b.pupil_id
            WHERE b.school_id = @school AND b.day BETWEEN @first AND @last AND b.status IN ('cancelled', 'refunded')
            ORDER BY b.day, p.class_name, p.last_name, p.first_name, b.cancelled_at
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var refunds = new List<RefundedMeal>();
        while (await reader.ReadAsync())
        {
            refunds.Add(new RefundedMeal(reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetString(2), reader.GetGuid(3),
                reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt64(7), LedgerNames.FromDatabase<RefundReason>(reader.GetString(8)),
                reader.GetFieldValue<DateTimeOffset>(9), reader.GetBoolean(10)));
        }
        return refunds;
    }

    /// <summary>The allergies declared for the school's pupils, by pupil (those without any are left out).</summary>
    public async Task<IReadOnlyDictionary<Guid, Allergens>> AllergiesAsync(Guid schoolId)
    {
        await using var command = db.CreateCommand("SELECT a.pupil_id, a.allergens FROM meal_allergies a JOIN pupils p ON p.id = a.pupil_id WHERE p.school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync();
        var allergies = new Dictionary<Guid, Allergens>();
        while (await reader.ReadAsync())
        {
            allergies[reader.GetGuid(0)] = (Allergens)reader.GetInt32(1);
        }
        return allergies;
    }

    /// <summary>The prices the school set per class, by article code then class.</summary>
    public async Task<IReadOnlyList<ClassPrice>> ClassPricesAsync(Guid schoolId)
    {
        await using var command = db.CreateCommand(
            "SELECT article_code, class_name, price_cents FROM meal_class_prices WHERE school_id = @school ORDER BY article_code, class_name");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync();
        var prices = new List<ClassPrice>();
        while (await reader.ReadAsync())
        {
            prices.Add(new ClassPrice(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return prices;
    }

    /// <summary>Every article code the school's menus have used, with its most recent label.</summary>
    public async Task<IReadOnlyList<(string Code, string Label)>> ArticleCodesAsync(Guid schoolId)
    {
        await using var command = db.CreateCommand("SELECT DISTINCT ON (code) code, label FROM meal_articles WHERE school_id = @school ORDER BY code, day DESC");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync();
        var codes = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            codes.Add((reader.GetString(0), reader.GetString(1)));
        }
        return codes;
    }

    NpgsqlCommand RangeCommand(Guid schoolId, DateOnly first, DateOnly last, string sql)
    {
        var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        return command;
    }

    static NpgsqlBatchCommand Range(Guid schoolId, DateOnly first, DateOnly last, string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("first", first);
        command.Parameters.AddWithValue("last", last);
        return command;
    }

    async Task<bool> IsPupilOfAsync(Guid schoolId, Guid pupilId)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM pupils WHERE id = @pupil AND school_id = @school)");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("pupil", pupilId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    static async Task<bool> CompartmentsExistAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid schoolId, IEnumerable<int> compartments)
    {
        var wanted = compartments.Distinct().Select(c => (short)c).ToArray();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM wallet_compartments WHERE school_id = @school AND compartment = ANY(@compartments)", connection, transaction);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("compartments", wanted);
        return (long)(await command.ExecuteScalarAsync())! == wanted.Length;
    }

    static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid schoolId, DateOnly day, MealArticle article)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO meal_articles (school_id, day, code, label, price_cents, compartment, allergens, capacity)
            VALUES (@school, @day, @code, @label, @price, @compartment, @allergens, @capacity)
            ON CONFLICT (school_id, day, code) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents,
                compartment = excluded.compartment, allergens = excluded.allergens, capacity = excluded.capacity
            """, connection, transaction);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("code", article.Code);
        command.Parameters.AddWithValue("label", article.Label.Trim());
        command.Parameters.AddWithValue("price", article.PriceCents);
        command.Parameters.AddWithValue("compartment", (short)article.Compartment);
        command.Parameters.AddWithValue("allergens", (int)article.Allergens);
        command.Parameters.AddWithValue("capacity", (object?)article.Capacity ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
    }

    static MenuProblem? Check(MealArticle article) => article switch
    {
        _ when !CodeShape().IsMatch(article.Code) || string.IsNullOrWhiteSpace(article.Label) || article.Label.Trim().Length > MealArticle.MaxLabel
            || (article.Allergens & ~Allergens.All) != 0 => MenuProblem.InvalidArticle,
        { PriceCents: <= 0 or > MealArticle.MaxPriceCents } => MenuProblem.InvalidPrice,
        { Capacity: <= 0 } => MenuProblem.InvalidCapacity,
        _ => null,
    };

    [GeneratedRegex("^[A-Z0-9_-]{1,20}$")]
    private static partial Regex CodeShape();
}

/// <summary>A day of the school's menu: its articles (withdrawn ones too) and, when closed, why.</summary>
public sealed record MenuDay(DateOnly Day, IReadOnlyList<MenuArticle> Articles, ClosureReason? Closed)
{
    public int Held => Articles.Sum(a => a.Held);
}

/// <summary>An article as the school sees it: <see cref="Held"/> bookings (pending or booked), <see cref="Refunded"/> ones, <see cref="Ever"/> any at all.</summary>
public sealed record MenuArticle(MealArticle Article, bool Withdrawn, int Held, int Refunded, int Ever);

public sealed record PupilWithoutMeal(Guid Id, string FirstName, string LastName, string ClassName);

public sealed record RefundedMeal(Guid BookingId, DateOnly Day, string Label, Guid PupilId, string FirstName, string LastName, string ClassName,
    long AmountCents, RefundReason Reason, DateTimeOffset CancelledAt, bool Paid);

public sealed record ClassPrice(string ArticleCode, string ClassName, long PriceCents);