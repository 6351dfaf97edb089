using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Orders;

/// <summary>
/// The demo school with orders on, for the parents' pages: every test makes a child of its own, in a class of its own (so
/// that a form for that class is for that child only), with money in the wallet, and forms written straight in SQL as the
/// school's pages would have left them.
/// </summary>
public static partial class ParentOrderRig
{
    /// <summary>The wallet's compartment the forms of these tests are paid from.</summary>
    public const int Compartment = 1;

    public sealed record Article(string Code, string Label, long PriceCents, int? Limit = null, params (string Name, int? Stock)[] Options);

    public static async Task OrdersOnAsync(WebNode web)
    {
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        foreach (var module in new[] { SchoolModule.Wallets, SchoolModule.Invoices, SchoolModule.Documents, SchoolModule.Orders })
        {
            await school.EnableModuleAsync(module);
        }
    }

    public static DateOnly Today(WebNode web) => SchoolTime.Today(web.Clock);

    /// <summary>A new pupil of the demo school in a class of its own, guarded by <paramref name="guardians"/>, with <paramref name="walletCents"/> in the wallet.</summary>
    public static Task<(Guid Id, string FirstName, string ClassName)> ChildAsync(WebNode web, long walletCents, params string[] guardians) =>
        TestPupils.InClassOfItsOwnAsync(web, "Cmd", "Commande", "C", walletCents, Compartment, guardians);

    public static IPurseGrain Purse(WebNode web, Guid pupilId) => web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(pupilId);

    public static async Task<long> BalanceAsync(WebNode web, Guid pupilId) =>
        (await Purse(web, pupilId).GetCompartmentsAsync()).Single(c => c.Compartment == Compartment).BalanceCents;

    /// <summary>A form as the school's pages write it: its articles in order, each with its options (none: the one option "").</summary>
    public static async Task<Guid> FormAsync(WebNode web, OrderKind kind, string title, DateOnly opens, DateOnly closes, string[]? classes,
        OrderPayment payment, params Article[] articles)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await Db(web).OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var form = new NpgsqlCommand("""
            INSERT INTO order_forms (id, school_id, kind, title, description, opens_on, closes_on, classes, payment, compartment, due_days, created_by, created_at)
            VALUES (@id, @school, @kind, @title, @description, @opens, @closes, @classes, @payment, @compartment, 14, 'test', now())
            """, connection, transaction))
        {
            form.Parameters.AddWithValue("id", id);
            form.Parameters.AddWithValue("school", DemoSchool.Id);
            form.Parameters.AddWithValue("kind", LedgerNames.ToDatabase(kind));
            form.Parameters.AddWithValue("title", title);
            form.Parameters.AddWithValue("description", $"{title} : commandez avant le {SchoolTime.Date(closes)}.");
            form.Parameters.AddWithValue("opens", opens);
            form.Parameters.AddWithValue("closes", closes);
            form.Parameters.Add(new NpgsqlParameter("classes", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)classes ?? DBNull.Value });
            form.Parameters.AddWithValue("payment", LedgerNames.ToDatabase(payment));
            form.Parameters.Add(new NpgsqlParameter("compartment", NpgsqlTypes.NpgsqlDbType.Smallint)
            {
                Value = payment == OrderPayment.Wallet ? (short)Compartment : DBNull.Value,
            });
            await form.ExecuteNonQueryAsync();
        }
        for (var position = 0; position < articles.Length; position++)
        {
            var article = articles[position];
            await using var row = new NpgsqlCommand("""
                INSERT INTO order_articles (form_id, code, label, price_cents, limit_per_pupil, position) VALUES (@form, @code, @label, @price, @limit, @position);
                INSERT INTO order_article_options (form_id, article_code, option, stock, position)
                SELECT @form, @code, o, s, p FROM unnest(@options::text[], @stocks::int[], @positions::int[]) AS t(o, s, p);
                """, connection, transaction);
            var options = article.Options.Length == 0 ? [("", null)] : article.Options;
            row.Parameters.AddWithValue("form", id);
            row.Parameters.AddWithValue("code", article.Code);
            row.Parameters.AddWithValue("label", article.Label);
            row.Parameters.AddWithValue("price", article.PriceCents);
            row.Parameters.Add(new NpgsqlParameter("limit", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)article.Limit ?? DBNull.Value });
            row.Parameters.AddWithValue("position", position);
            row.Parameters.AddWithValue("options", options.Select(o => o.Name).ToArray());
            row.Parameters.AddWithValue("stocks", options.Select(o => o.Stock).ToArray());
            row.Parameters.AddWithValue("positions", Enumerable.Range(0, options.Length).ToArray());
            await row.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>A proof of the photographer's for the pupil on the form.</summary>
    public static async Task<Guid> ProofAsync(WebNode web, Guid formId, Guid pupilId, byte[] png)
    {
        var id = Guid.CreateVersion7();
        await using var insert = Db(web).CreateCommand("""
            INSERT INTO order_proofs (id, form_id, pupil_id, file_name, content_type, data, uploaded_by, uploaded_at)
            VALUES (@id, @form, @pupil, 'epreuve.png', 'image/png', @data, 'test', now())
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("form", formId);
        insert.Parameters.AddWithValue("pupil", pupilId);
        insert.Parameters.AddWithValue("data", png);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>A small proof picture of one colour, drawn as the demo draws its proofs.</summary>
    public static byte[] Png(byte red, byte green, byte blue) => ItSchool.Orders.DemoOrders.Card("EP", (red, green, blue));

    public static async Task<long> CountAsync(WebNode web, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db(web).CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static Task<long> OrdersOfAsync(WebNode web, Guid pupilId) => CountAsync(web, "SELECT count(*) FROM orders WHERE pupil_id = @p", ("p", pupilId));

    /// <summary>A client signed in as <paramref name="parent"/> with <paramref name="pupilId"/>'s account open.</summary>
    public static async Task<HttpClient> ParentAsync(WebNode web, string parent, Guid pupilId)
    {
        var client = await SignedIn.AsAsync(web, parent);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{pupilId}")).StatusCode);
        return client;
    }

    public static string FormUrl(Guid formId) => $"/e/demo/commandes/{formId}";

    public sealed record ShownForm(string Html, string Token, string Key);

    public static async Task<ShownForm> ShowAsync(HttpClient client, Guid formId)
    {
        var response = await client.GetAsync(FormUrl(formId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var key = KeyField().Match(html);
        return new ShownForm(html, Forms.AntiforgeryToken(html), key.Success ? key.Groups[1].Value : "");
    }

    /// <summary>Posts the form as the browser would, with the key and the total the page showed and these quantities (q.CODE) and options (o.CODE).</summary>
    public static async Task<HttpResponseMessage> OrderAsync(HttpClient client, Guid formId, ShownForm shown, Guid pupil, long? expectedCents,
        params (string Name, string Value)[] fields)
    {
        var values = new List<KeyValuePair<string, string>>
        {
            new("__RequestVerificationToken", shown.Token),
            new("Key", shown.Key),
            new("Pupil", pupil.ToString()),
        };
        if (expectedCents is { } expected)
        {
            values.Add(new("ExpectedTotalCents", expected.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await client.PostAsync(FormUrl(formId), new FormUrlEncodedContent(values));
    }

    public static async Task<string> TextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    static NpgsqlDataSource Db(WebNode web) => web.Services.GetRequiredService<NpgsqlDataSource>();

    [GeneratedRegex("name=\"Key\" value=\"([^\"]+)\"")]
    private static partial Regex KeyField();
}