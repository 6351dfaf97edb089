using System.Globalization;
using ItSchool.Platform.Database;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Wallets;

public sealed class LedgerSubjectTests
{
    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-BE");

    public static TheoryData<LedgerSubject, string> Subjects => new()
    {
        { LedgerSubject.BankTopUp, "Rechargement par virement" },
        { LedgerSubject.OnlineTopUp, "Rechargement en ligne" },
        { LedgerSubject.Sale([("Jus d'orange", 2), ("Pomme", 1)]), "Vente Jus d'orange ×2, Pomme" },
        { LedgerSubject.SaleVoid([("Jus d'orange", 2), ("Pomme", 1)]), "Annulation : Jus d'orange ×2, Pomme" },
        { LedgerSubject.Transfer("Portefeuille général", "Repas"), "Portefeuille général → Repas" },
        { LedgerSubject.InvoicePayment("2026-0007", "Voyage à Paris"), "Facture 2026-0007 — Voyage à Paris" },
        { LedgerSubject.CreditNote("2026-0007", "Voyage à Paris"), "Note de crédit · Facture 2026-0007 — Voyage à Paris" },
        { LedgerSubject.InvoiceExcess("2026-0008", "Photos"), "Trop-perçu · Facture 2026-0008 — Photos" },
        { LedgerSubject.Correction("erreur de caisse"), "Correction : erreur de caisse" },
        { LedgerSubject.MealReservation("Potage et tartine", new DateOnly(2026, 11, 23)), "Réservation de repas « Potage et tartine » pour le 23/11/2026" },
        { LedgerSubject.MealCancellation("Potage et tartine", new DateOnly(2026, 11, 23)), "Annulation de la réservation « Potage et tartine » du 23/11/2026" },
        { LedgerSubject.Verbatim("Geste commercial"), "Geste commercial" },
    };

    [Theory]
    [MemberData(nameof(Subjects))]
    public void A_subject_written_as_a_code_reads_in_French(LedgerSubject subject, string french) =>
        Assert.Equal(french, InFrench(texts => LedgerSubjectText.Of(subject, texts)));

    [Fact]
    public void A_sale_of_many_articles_is_cut_as_the_ledger_always_showed_it()
    {
        var text = InFrench(texts => LedgerSubjectText.Of(LedgerSubject.Sale(Enumerable.Range(1, 40).Select(i => ($"Gaufre {i}", 1))), texts));
        Assert.Equal(200, text.Length);
        Assert.StartsWith("Vente Gaufre 1, Gaufre 2, ", text);
        Assert.EndsWith("…", text);
    }

    /// <summary>
    /// A database as it was before 0062, with the French subjects the app and the demo wrote, migrated: every
    /// known pattern becomes its code, the rest is kept verbatim, and every entry reads exactly as before.
    /// </summary>
    [Fact]
    public async Task The_migration_turns_the_old_French_subjects_into_codes_and_every_entry_reads_as_before()
    {
        await using var db = NpgsqlDataSource.Create(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        await Migrations.ApplyAsync(db, NullLogger.Instance, through: "0061_invoice_refunds");
        var sale = Guid.NewGuid();
        var longLines = Enumerable.Range(1, 30).Select(i => ($"Gaufre au chocolat {i}", 1)).ToList();
        // What SaleLines.Subject wrote before codes: "Vente " and the articles, cut at 200 characters.
        var longSubject = "Vente " + string.Join(", ", longLines.Select(l => l.Item1));
        longSubject = longSubject[..199] + "…";
        var old = new (string Kind, short Compartment, string Subject, string Key, string Code)[]
        {
            ("bank_top_up", 1, "Rechargement par virement", "bank/1", "bank_top_up"),
            ("online_top_up", 1, "Rechargement en ligne", "online/1", "online_top_up"),
            ("sale", 1, "Vente Jus d'orange ×2, Pomme", "pos/t/1", "sale"),
            ("cancellation", 1, "Annulation : Jus d'orange ×2, Pomme", $"pos-void/{sale}", "sale_void"),
            ("sale", 1, "Vente Bonbon (3)", "no-terminal-sale", "verbatim"),
            ("sale", 1, longSubject, "pos/t/2", "verbatim"),
            ("internal_transfer", 1, "Portefeuille général → Repas", "transfer/1", "transfer"),
            ("internal_transfer", 2, "Portefeuille général → Repas", "transfer/1", "transfer"),
            ("invoice_payment", 1, "Facture 2026-0007 — Voyage à Paris", "invoice/1", "invoice_payment"),
            ("refund", 1, "Note de crédit · Facture 2026-0007 — Voyage à Paris", "refund/1", "credit_note"),
            ("refund", 1, "Trop-perçu · Facture 2026-0008 — Photos de classe", "refund/2", "invoice_excess"),
            ("correction", 1, "Correction : erreur de caisse", "correction/1", "correction"),
            ("correction", 1, "Geste commercial", "correction/2", "verbatim"),
            ("meal_reservation", 2, "Réservation de repas « Spaghetti bolognaise » pour le 23/11/2026", "demo-1", "meal_reservation"),
            ("cancellation", 2, "Annulation de la réservation « Spaghetti bolognaise » du 23/11/2026", "demo-2", "meal_cancellation"),
        };
        await using (var seed = db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES ('00000000-0000-4000-8000-000000000001', 'ancienne', 'Ancienne');
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name)
            VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Chloé', 'Dubois', '1A');
            INSERT INTO wallet_compartments (school_id, compartment, name) VALUES
                ('00000000-0000-4000-8000-000000000001', 1, 'Portefeuille général'), ('00000000-0000-4000-8000-000000000001', 2, 'Repas');
            INSERT INTO purse_compartments (pupil_id, compartment, school_id) VALUES
                ('00000000-0000-4000-8000-000000000002', 1, '00000000-0000-4000-8000-000000000001'),
                ('00000000-0000-4000-8000-000000000002', 2, '00000000-0000-4000-8000-000000000001');
            INSERT INTO pos_terminals (id, school_id, name, kind, compartment, key_hash, key_hint, created_at)
            VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000001', 'Cantine', 'canteen', 1, '\x00', '0000', now());
            INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject, caused_by_kind,
                                        idempotency_key, occurred_at)
            SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', e.compartment, 100, 100, e.kind, e.subject,
                   'system', e.key, now()
            FROM unnest(@kinds, @compartments, @subjects, @keys) AS e(kind, compartment, subject, key);
            INSERT INTO pos_sales (id, school_id, terminal_id, idempotency_key, request_hash, status_code, response, pupil_id, amount_cents,
                                   lines, ledger_entry_id, created_at)
            SELECT s.id, '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003', s.key, '\x00', 201, '{}',
                   '00000000-0000-4000-8000-000000000002', 100, s.lines::jsonb,
                   (SELECT id FROM ledger_entries WHERE idempotency_key = 'pos/t/' || s.key), now()
            FROM (VALUES (@sale, '1', '[{"articleCode": "JUS", "label": "Jus d''orange", "quantity": 2, "unitPriceCents": 90, "totalCents": 180},
                                         {"articleCode": "POMME", "label": "Pomme", "quantity": 1, "unitPriceCents": 50, "totalCents": 50}]'),
                         (gen_random_uuid(), '2', @long_lines)) AS s(id, key, lines);
            """))
        {
            seed.Parameters.AddWithValue("kinds", old.Select(o => o.Kind).ToArray());
            seed.Parameters.AddWithValue("compartments", old.Select(o => o.Compartment).ToArray());
            seed.Parameters.AddWithValue("subjects", old.Select(o => o.Subject).ToArray());
            seed.Parameters.AddWithValue("keys", old.Select(o => o.Key).ToArray());
            seed.Parameters.AddWithValue("sale", sale);
            seed.Parameters.AddWithValue("long_lines", System.Text.Json.JsonSerializer.Serialize(longLines.Select(l =>
                new { articleCode = "GAUFRE", label = l.Item1, quantity = l.Item2, unitPriceCents = 100, totalCents = 100 })));
            await seed.ExecuteNonQueryAsync();
        }

        Assert.Equal(["0062_ledger_codes"], (await Migrations.ApplyAsync(db, NullLogger.Instance)).Where(id => id.StartsWith("0062")));

        var migrated = new List<(string Subject, string Key, string Code, LedgerSubject Coded)>();
        await using (var read = db.CreateCommand("SELECT subject, idempotency_key, subject_code, subject_args::text FROM ledger_entries ORDER BY id"))
        await using (var reader = await read.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                migrated.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    LedgerQueries.ReadSubject(reader.GetString(2), reader.GetString(3))));
            }
        }
        Assert.Equal(old.Select(o => (o.Key, o.Code)), migrated.Select(m => (m.Key, m.Code)));
        Assert.Equal(old.Select(o => o.Subject), migrated.Select(m => InFrench(texts => LedgerSubjectText.Of(m.Coded, texts))));
        Assert.Equal(LedgerSubject.Sale([("Jus d'orange", 2), ("Pomme", 1)]), migrated[2].Coded);
        Assert.Equal(LedgerSubject.SaleVoid([("Jus d'orange", 2), ("Pomme", 1)]), migrated[3].Coded);
        Assert.Equal(LedgerSubject.MealReservation("Spaghetti bolognaise", new DateOnly(2026, 11, 23)), migrated[13].Coded);

        // The ledger is append-only again once the migration is done.
        await using var edit = db.CreateCommand("UPDATE ledger_entries SET subject_code = 'verbatim'");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => edit.ExecuteNonQueryAsync());
        Assert.Contains("append-only", refused.MessageText);
    }

    static string InFrench(Func<IStringLocalizer<Ui>, string> render)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddElision();
        using var provider = services.BuildServiceProvider();
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = French;
        try
        {
            return render(provider.GetRequiredService<IStringLocalizer<Ui>>());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}