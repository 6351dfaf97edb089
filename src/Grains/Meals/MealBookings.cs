using ItSchool.Wallets;
using Npgsql;

namespace ItSchool.Meals;

/// <summary>
/// The day's grain's rows: what it needs to decide a booking, and the day's bookings (written by the grain only, each in the
/// commit of its debit or refund: see <see cref="MealBookingWritten"/>).
/// </summary>
public sealed class MealBookings(NpgsqlDataSource db)
{
    const string Columns = """
        id, school_id, day, article_code, label, pupil_id, compartment, amount_cents, request_key,
        booked_by_kind, booked_by_id, booked_by_name, status, refund_reason, created_at
        """;

    public async Task<List<MealBookingView>> LoadDayAsync(Guid schoolId, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM meal_bookings WHERE school_id = @school AND day = @day ORDER BY created_at, id");
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var bookings = new List<MealBookingView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            bookings.Add(Read(reader));
        }
        return bookings;
    }

    /// <summary>Everything a booking is decided on, and the day as the pupil will see it afterwards, read in one round trip.</summary>
    public async Task<BookingInputs> InputsAsync(Guid schoolId, DateOnly day, Guid pupilId, string articleCode)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("""
            SELECT r.horizon_days, r.cutoff_time, r.cutoff_school_days, r.allowed_classes,
                   (SELECT c.reason FROM meal_closed_days c WHERE c.school_id = @school AND c.day = @first),
                   a.label, COALESCE(cp.price_cents, a.price_cents), a.compartment, a.allergens, a.capacity, a.withdrawn_at IS NOT NULL,
                   p.class_name, COALESCE(al.allergens, 0)
            FROM (SELECT 1) AS one
            LEFT JOIN meal_rules r ON r.school_id = @school
            LEFT JOIN pupils p ON p.id = @pupil AND p.school_id = @school
            LEFT JOIN meal_allergies al ON al.pupil_id = p.id
            LEFT JOIN meal_articles a ON a.school_id = @school AND a.day = @first AND a.code = @code
            LEFT JOIN meal_class_prices cp ON cp.school_id = @school AND cp.article_code = a.code AND cp.class_name = p.class_name
            """));
        batch.BatchCommands.Add(Command(MealMenus.OfferedToPupil));
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.ReadAsync();
        var rules = reader.IsDBNull(0) ? null : new MealRules(reader.GetInt32(0), reader.GetFieldValue<TimeOnly>(1), reader.GetInt16(2),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3));
        ClosureReason? closed = reader.IsDBNull(4) ? null : LedgerNames.FromDatabase<ClosureReason>(reader.GetString(4));
        var article = reader.IsDBNull(5) ? null : new OfferedArticle(reader.GetString(5), reader.GetInt64(6), reader.GetInt16(7),
            (Allergens)reader.GetInt32(8), reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.GetBoolean(10));
        var pupilClass = reader.IsDBNull(11) ? null : reader.GetString(11);
        var allergens = (Allergens)reader.GetInt32(12);
        await reader.NextResultAsync();
        var offered = (await MealMenus.ReadOfferedAsync(reader)).Select(a => a.Article).ToList();
        return new BookingInputs(rules ?? MealRules.Default, closed, article, pupilClass, allergens, offered);

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("pupil", pupilId);
            command.Parameters.AddWithValue("first", day);
            command.Parameters.AddWithValue("last", day);
            command.Parameters.AddWithValue("code", articleCode);
            return command;
        }
    }

    /// <summary>Whether the day is closed and which of its articles are withdrawn: what makes a booking owe its refund.</summary>
    public async Task<(bool Closed, HashSet<string> Withdrawn)> RefundCausesAsync(Guid schoolId, DateOnly day)
    {
        await using var command = db.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM meal_closed_days WHERE school_id = @school AND day = @day),
                   ARRAY(SELECT code FROM meal_articles WHERE school_id = @school AND day = @day AND withdrawn_at IS NOT NULL)
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("day", day);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetBoolean(0), [.. reader.GetFieldValue<string[]>(1)]);
    }

    /// <summary>
    /// What the kitchen prepares on a day: its articles, the meals held (pending or booked) per article and class with
    /// how many the till served, and the pupils holding one who declared allergies.
    /// </summary>
    public async Task<KitchenDay> KitchenDayAsync(Guid schoolId, DateOnly day, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("SELECT reason FROM meal_closed_days WHERE school_id = @school AND day = @day"));
        batch.BatchCommands.Add(Command("""
            SELECT code, label, allergens, capacity, withdrawn_at IS NOT NULL FROM meal_articles
            WHERE school_id = @school AND day = @day ORDER BY withdrawn_at IS NOT NULL, code
            """));
        batch.BatchCommands.Add(Command("""
            SELECT b.article_code, p.class_name, count(*), count(s.booking_id)
            FROM meal_bookings b JOIN pupils p ON p.id = b.pupil_id LEFT JOIN meal_servings s ON s.booking_id = b.id
            WHERE b.school_id = @school AND b.day = @day AND b.status IN ('pending', 'booked')
            GROUP BY b.article_code, p.class_name ORDER BY p.class_name, b.article_code
            """));
        batch.BatchCommands.Add(Command("""
            SELECT p.first_name || ' ' || p.last_name, p.class_name, b.label, al.allergens, a.allergens
            FROM meal_bookings b
            JOIN pupils p ON p.id = b.pupil_id
            JOIN meal_allergies al ON al.pupil_id = p.id
            JOIN meal_articles a ON a.school_id = b.school_id AND a.day = b.day AND a.code = b.article_code
            WHERE b.school_id = @school AND b.day = @day AND b.status IN ('pending', 'booked')
            ORDER BY p.class_name, p.last_name, p.first_name, b.label
            """));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        ClosureReason? closed = await reader.ReadAsync(cancellationToken) ? LedgerNames.FromDatabase<ClosureReason>(reader.GetString(0)) : null;
        await reader.NextResultAsync(cancellationToken);
        var articles = new List<KitchenArticle>();
        while (await reader.ReadAsync(cancellationToken))
        {
            articles.Add(new KitchenArticle(reader.GetString(0), reader.GetString(1), (Allergens)reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetBoolean(4)));
        }
        await reader.NextResultAsync(cancellationToken);
        var counts = new List<KitchenCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new KitchenCount(reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2), (int)reader.GetInt64(3)));
        }
        await reader.NextResultAsync(cancellationToken);
        var allergies = new List<KitchenAllergy>();
        while (await reader.ReadAsync(cancellationToken))
        {
            allergies.Add(new KitchenAllergy(reader.GetString(0), reader.GetString(1), reader.GetString(2), (Allergens)reader.GetInt32(3),
                (Allergens)reader.GetInt32(4)));
        }
        return new KitchenDay(day, closed, articles, counts, allergies);

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("school", schoolId);
            command.Parameters.AddWithValue("day", day);
            return command;
        }
    }

    /// <summary>
    /// A booking the purse declined, kept as 'failed' (nothing moved) so that the same request is never debited later under
    /// its key; one an earlier version wrote 'pending' before its debit becomes 'failed' the same way.
    /// </summary>
    public async Task RecordFailedAsync(MealBookingView booking, DateTimeOffset at)
    {
        await using var batch = db.CreateBatch();
        var command = MealBookingWritten.Insert(booking, "failed", "finished_at", at);
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>A booking an earlier version wrote 'pending' whose debit had landed without it.</summary>
    public async Task MarkBookedAsync(Guid id, DateTimeOffset at)
    {
        await using var command = db.CreateCommand("UPDATE meal_bookings SET status = 'booked', booked_at = @at WHERE id = @id AND status = 'pending'");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync();
    }

    static MealBookingView Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3), reader.GetString(4), reader.GetGuid(5),
        reader.GetInt16(6), reader.GetInt64(7), reader.GetString(8),
        new Actor(LedgerNames.FromDatabase<ActorKind>(reader.GetString(9)), reader.IsDBNull(10) ? null : reader.GetString(10),
            reader.IsDBNull(11) ? null : reader.GetString(11)),
        LedgerNames.FromDatabase<BookingStatus>(reader.GetString(12)),
        reader.IsDBNull(13) ? null : LedgerNames.FromDatabase<RefundReason>(reader.GetString(13)),
        reader.GetFieldValue<DateTimeOffset>(14));
}

/// <summary>An article as a pupil would be charged for it (the class's price when the school set one).</summary>
public sealed record OfferedArticle(string Label, long PriceCents, int Compartment, Allergens Allergens, int? Capacity, bool Withdrawn);

/// <summary>
/// The rules (the default ones when the school set none), the day's closure, the article (null: none by that code), the
/// pupil's class (null: not a pupil of this school), and every article the day offers at the pupil's price.
/// </summary>
public sealed record BookingInputs(MealRules Rules, ClosureReason? Closed, OfferedArticle? Article, string? PupilClass, Allergens PupilAllergens,
    IReadOnlyList<MealArticle> Offered);

/// <summary>A day as the kitchen sees it (<see cref="MealBookings.KitchenDayAsync"/>).</summary>
public sealed record KitchenDay(DateOnly Day, ClosureReason? Closed, IReadOnlyList<KitchenArticle> Articles, IReadOnlyList<KitchenCount> Counts,
    IReadOnlyList<KitchenAllergy> Allergies)
{
    public IEnumerable<string> Classes => Counts.Select(c => c.ClassName).Distinct().Order(StringComparer.Ordinal);

    public int Booked(string? articleCode = null, string? className = null) =>
        Counts.Where(c => (articleCode is null || c.ArticleCode == articleCode) && (className is null || c.ClassName == className)).Sum(c => c.Booked);

    public int Served(string? articleCode = null) => Counts.Where(c => articleCode is null || c.ArticleCode == articleCode).Sum(c => c.Served);
}

public sealed record KitchenArticle(string Code, string Label, Allergens Allergens, int? Capacity, bool Withdrawn);

/// <summary>Meals held for an article by a class, and how many of them the till served.</summary>
public sealed record KitchenCount(string ArticleCode, string ClassName, int Booked, int Served);

/// <summary>A pupil with declared allergies who holds a meal: the article's allergens they are allergic to are in both sets.</summary>
public sealed record KitchenAllergy(string PupilName, string ClassName, string ArticleLabel, Allergens Allergies, Allergens ArticleAllergens);