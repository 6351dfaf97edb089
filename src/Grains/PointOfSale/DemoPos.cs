using Npgsql;

namespace ItSchool.PointOfSale;

/// <summary>
/// The demo school's canteen: one terminal with a fixed, published key, a few articles, and a card for
/// every pupil (UIDs in the README), so a newcomer can post a sale with curl the minute the app runs.
/// </summary>
public static class DemoPos
{
    public const string CanteenKey = "itsk_demo_canteen_key_do_not_use_in_production";
    public static readonly Guid CanteenId = new("d3e0d3e0-0000-4000-8000-0000000000c1");

    public static readonly (string Code, string Label, long PriceCents, string Category, bool OpenPrice)[] Articles =
    [
        ("SANDWICH", "Sandwich au rosbif", 350, "Repas", false),
        ("SOUPE", "Potage du jour", 120, "Repas", false),
        ("COLLATION", "Collation", 120, "Collations", false),
        ("JUS", "Jus d'orange", 90, "Boissons", false),
        ("POMME", "Pomme", 50, "Collations", false),
        ("CASIER", "Casier sans caution", 1500, "Économat", false),
        ("DIVERS", "Article divers", 0, "Économat", true),
    ];

    /// <summary>Card UIDs by pupil first name, in the order of <c>DemoSchool</c>'s pupils.</summary>
    public static readonly string[] CardUids = ["04A1B2C3D4E501", "04A1B2C3D4E502", "04A1B2C3D4E503", "04A1B2C3D4E504"];

    public static async Task SeedAsync(NpgsqlConnection connection, Guid schoolId, IReadOnlyList<Guid> pupils, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO pos_terminals (id, school_id, name, kind, compartment, key_hash, key_hint, created_at)
            VALUES (@terminal, @school, 'Cantine', 'canteen', 1, sha256(convert_to(@key, 'UTF8')), right(@key, 4), @now);
            INSERT INTO pos_articles (school_id, code, label, price_cents, category, open_price)
            SELECT @school, a.code, a.label, a.price, a.category, a.open FROM unnest(@codes, @labels, @prices, @categories, @opens)
                AS a(code, label, price, category, open);
            INSERT INTO pupil_cards (school_id, uid, pupil_id, assigned_at)
            SELECT @school, c.uid, c.pupil, @now FROM unnest(@uids, @pupils) AS c(uid, pupil);
            """, connection);
        command.Parameters.AddWithValue("terminal", CanteenId);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("key", CanteenKey);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("codes", Articles.Select(a => a.Code).ToArray());
        command.Parameters.AddWithValue("labels", Articles.Select(a => a.Label).ToArray());
        command.Parameters.AddWithValue("prices", Articles.Select(a => a.PriceCents).ToArray());
        command.Parameters.AddWithValue("categories", Articles.Select(a => a.Category).ToArray());
        command.Parameters.AddWithValue("opens", Articles.Select(a => a.OpenPrice).ToArray());
        command.Parameters.AddWithValue("uids", CardUids.Take(pupils.Count).ToArray());
        command.Parameters.AddWithValue("pupils", pupils.Take(CardUids.Length).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}