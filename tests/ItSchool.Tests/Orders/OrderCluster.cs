using ItSchool.Invoices;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Orleans.TestingHost;

namespace ItSchool.Tests.Orders;

/// <summary>
/// A database and an in-process cluster for order forms. Each test makes a school of its own with the two compartments
/// of a real one, pupils whose general compartment holds what the test gives them, and forms written as the school's
/// pages write them.
/// </summary>
public sealed class OrderCluster : IAsyncLifetime
{
    public static readonly Actor Parent = new(ActorKind.User, "amelie.lefevre", "Amélie Lefèvre");
    public static readonly Actor Manager = new(ActorKind.User, "direction", "Direction");

    public MigratedDatabase Database { get; } = new();
    public TestCluster Cluster { get; private set; } = null!;
    public OrderStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Store = new OrderStore(Database.Db);
        Cluster = await TestSilos.StartAsync(Database.ConnectionString, clusterId: "orders");
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    public IOrderFormGrain Form(Guid formId) => Cluster.GrainFactory.OrderForm(formId);

    public IPurseGrain Purse(Guid pupilId) => Cluster.GrainFactory.GetGrain<IPurseGrain>(pupilId);

    public IInvoiceGrain Invoice(Guid invoiceId) => Cluster.GrainFactory.GetGrain<IInvoiceGrain>(invoiceId);

    public static DateOnly Today => SchoolTime.Today(TimeProvider.System);

    public async Task<Guid> NewSchoolAsync()
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand("""
            INSERT INTO schools (id, slug, name) VALUES (@id, @slug, 'École des commandes');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@id, 1, 'Portefeuille général', 0), (@id, 2, 'Repas', 0);
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("slug", $"commandes-{id:N}");
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    public async Task<Guid> NewPupilAsync(Guid schoolId, long walletCents = 0, string className = "3A")
    {
        var id = Guid.CreateVersion7();
        await using var insert = Database.Db.CreateCommand(
            "INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@id, @school, 'Acheteur', 'Élève', @class)");
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("school", schoolId);
        insert.Parameters.AddWithValue("class", className);
        await insert.ExecuteNonQueryAsync();
        if (walletCents > 0)
        {
            Assert.True((await Purse(id).CreditAsync(new Credit(Guid.NewGuid().ToString(), 1, walletCents, MovementKind.BankTopUp,
                PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        }
        return id;
    }

    /// <summary>
    /// The school's e-shop, open today: a T-shirt at 12 € in S, M and L (M with <paramref name="mediumStock"/> left), a gourd at
    /// 8 € limited to <paramref name="gourdLimit"/> per pupil, paid as <paramref name="payment"/>.
    /// </summary>
    public async Task<Guid> ShopAsync(Guid schoolId, OrderPayment payment = OrderPayment.Wallet, int? mediumStock = 10, int gourdLimit = 2,
        int opensInDays = -3, int closesInDays = 10, string[]? classes = null)
    {
        var id = Guid.CreateVersion7();
        await using var batch = Database.Db.CreateBatch();
        var form = new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO order_forms (id, school_id, kind, title, opens_on, closes_on, classes, payment, compartment, due_days, created_by, created_at)
            VALUES (@id, @school, 'shop', 'Boutique de l''école', @opens, @closes, @classes, @payment, @compartment, 14, 'test', now())
            """);
        form.Parameters.AddWithValue("id", id);
        form.Parameters.AddWithValue("school", schoolId);
        form.Parameters.AddWithValue("opens", Today.AddDays(opensInDays));
        form.Parameters.AddWithValue("closes", Today.AddDays(closesInDays));
        form.Parameters.Add(new Npgsql.NpgsqlParameter("classes", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)classes ?? DBNull.Value });
        form.Parameters.AddWithValue("payment", payment == OrderPayment.Wallet ? "wallet" : "invoice");
        form.Parameters.Add(new Npgsql.NpgsqlParameter("compartment", NpgsqlTypes.NpgsqlDbType.Smallint) { Value = payment == OrderPayment.Wallet ? (short)1 : DBNull.Value });
        batch.BatchCommands.Add(form);
        var articles = new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO order_articles (form_id, code, label, price_cents, limit_per_pupil, position)
            VALUES (@id, 'TSHIRT', 'T-shirt de l''école', 1200, NULL, 1), (@id, 'GOURDE', 'Gourde', 800, @limit, 2), (@id, 'BIC', 'Bic offert', 0, NULL, 3);
            """);
        articles.Parameters.AddWithValue("id", id);
        articles.Parameters.AddWithValue("limit", gourdLimit);
        batch.BatchCommands.Add(articles);
        var options = new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO order_article_options (form_id, article_code, option, stock, position)
            VALUES (@id, 'TSHIRT', 'S', 30, 1), (@id, 'TSHIRT', 'M', @medium, 2), (@id, 'TSHIRT', 'L', NULL, 3), (@id, 'GOURDE', '', NULL, 1),
                   (@id, 'BIC', '', NULL, 1)
            """);
        options.Parameters.AddWithValue("id", id);
        options.Parameters.Add(new Npgsql.NpgsqlParameter("medium", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)mediumStock ?? DBNull.Value });
        batch.BatchCommands.Add(options);
        await batch.ExecuteNonQueryAsync();
        return id;
    }

    public static PlaceOrder Order(Guid schoolId, Guid pupilId, long expectedCents, params (string Article, string Option, int Quantity)[] lines) =>
        Order(Guid.NewGuid().ToString(), schoolId, pupilId, expectedCents, lines);

    public static PlaceOrder Order(string key, Guid schoolId, Guid pupilId, long expectedCents, params (string Article, string Option, int Quantity)[] lines) =>
        new(key, schoolId, pupilId, [.. lines.Select(l => new OrderLineRequest(l.Article, l.Option, l.Quantity))], expectedCents, Parent);

    public async Task<long> WalletAsync(Guid pupilId) =>
        (await Purse(pupilId).GetCompartmentsAsync()).Single(c => c.Compartment == 1).BalanceCents;

    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public Task<long> CountAsync(string sql, params (string, object)[] parameters) => Database.ScalarAsync<long>(sql, parameters);

    /// <summary>
    /// The money rules at the end of any test: every balance is its ledger's sum; every wallet order has exactly one debit
    /// of its total, and a cancelled one exactly one refund; every invoice order has its invoice, of its total, credited
    /// in full when it was cancelled.
    /// </summary>
    public async Task AssertConsistentAsync(Guid schoolId)
    {
        Assert.Equal(0, await CountAsync("""
            SELECT count(*) FROM purse_compartments c
            WHERE c.school_id = @s AND c.balance_cents <> (SELECT COALESCE(sum(amount_cents), 0) FROM ledger_entries e
                                                           WHERE e.pupil_id = c.pupil_id AND e.compartment = c.compartment)
            """, ("s", schoolId)));
        Assert.Equal(0, await CountAsync("""
            SELECT count(*) FROM orders o
            WHERE o.school_id = @s AND o.payment = 'wallet' AND o.total_cents > 0 AND (
                (SELECT count(*) FROM ledger_entries e WHERE e.pupil_id = o.pupil_id AND e.idempotency_key = 'order/' || o.id::text
                 AND e.amount_cents = -o.total_cents) <> 1
                OR (SELECT count(*) FROM ledger_entries e WHERE e.pupil_id = o.pupil_id AND e.idempotency_key = 'order-refund/' || o.id::text
                    AND e.amount_cents = o.total_cents) <> CASE WHEN o.status = 'cancelled' THEN 1 ELSE 0 END)
            """, ("s", schoolId)));
        Assert.Equal(0, await CountAsync("""
            SELECT count(*) FROM orders o LEFT JOIN invoices i ON i.id = o.invoice_id
            WHERE o.school_id = @s AND o.payment = 'invoice' AND o.total_cents > 0
              AND (i.id IS NULL OR i.total_cents <> o.total_cents OR (o.status = 'cancelled' AND i.total_cents - i.paid_cents - i.credited_cents <> 0))
            """, ("s", schoolId)));
        Assert.Equal(0, await CountAsync("""
            SELECT count(*) FROM ledger_entries WHERE school_id = @s AND kind = 'order'
              AND idempotency_key NOT IN (SELECT 'order/' || id::text FROM orders WHERE school_id = @s)
            """, ("s", schoolId)));
    }
}