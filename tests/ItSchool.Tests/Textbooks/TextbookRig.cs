using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Textbooks;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Textbooks;

/// <summary>
/// The demo school with textbooks on: every test makes a child of its own, in a class of its own (so that a list for that
/// class is that child's only), with money in the wallet, and lists saved through the store as the school's editor does.
/// </summary>
public static class TextbookRig
{
    public const int Compartment = 1;

    public static readonly TextbookItemDraft Grammar = new(null, "Grammaire 6e", "Van In", "978-90-306-8431-2", 1850, false, 0, null, true);
    public static readonly TextbookItemDraft Maths = new(null, "Cahier de maths", "De Boeck", "", 1490, false, 0, null, true);
    public static readonly TextbookItemDraft Dictionary = new(null, "Dictionnaire junior", "Le Robert", "2-04-012344-X", 2490, false, 0, null, false);

    public static TextbookItemDraft Atlas(DateOnly returnOn) => new(null, "Atlas du monde", "De Boeck", "978-2-8041-6934-3", 500, true, 2000, returnOn, true);

    public static async Task ModulesOnAsync(WebNode web)
    {
        var school = web.Services.GetRequiredService<IGrainFactory>().GetGrain<ISchoolGrain>(DemoSchool.Id);
        foreach (var module in new[] { SchoolModule.Wallets, SchoolModule.Invoices, SchoolModule.Documents, SchoolModule.Textbooks })
        {
            await school.EnableModuleAsync(module);
        }
    }

    public static DateOnly Today(WebNode web) => SchoolTime.Today(web.Clock);

    /// <summary>A new pupil in a class of its own, guarded by <paramref name="guardians"/>, with <paramref name="walletCents"/> in the wallet.</summary>
    public static Task<(Guid Id, string FirstName, string ClassName)> ChildAsync(WebNode web, long walletCents, params string[] guardians) =>
        TestPupils.InClassOfItsOwnAsync(web, "Livre", "Manuel", "M", walletCents, Compartment, guardians);

    /// <summary>Another pupil in an existing class, guarded by <paramref name="guardians"/>.</summary>
    public static Task<Guid> ClassmateAsync(WebNode web, string className, string firstName, params string[] guardians) =>
        TestPupils.AddAsync(web, firstName, "Manuel", className, guardians);

    /// <summary>A list for the class, saved as the school's editor saves it; its items as stored (with their ids).</summary>
    public static Task<TextbookList> ListAsync(WebNode web, string className, DateOnly opens, DateOnly closes, TextbookPayment payment,
        params TextbookItemDraft[] items) => ListAsync(web, className, 2026, opens, closes, payment, items);

    public static async Task<TextbookList> ListAsync(WebNode web, string className, int year, DateOnly opens, DateOnly closes, TextbookPayment payment,
        params TextbookItemDraft[] items)
    {
        var store = web.Services.GetRequiredService<TextbookStore>();
        var id = Guid.CreateVersion7();
        var saved = await store.SaveAsync(new TextbookListDraft(id, DemoSchool.Id, className, year, opens, closes, payment,
            payment == TextbookPayment.Wallet ? Compartment : null, 14, items), isNew: true, [className], new HashSet<int> { 1, 2 }, "Test", DateTimeOffset.UtcNow);
        Assert.True(saved.Saved, string.Join(", ", saved.Problems));
        return (await store.FindAsync(DemoSchool.Id, id))!;
    }

    public static Task<TextbookList> OpenListAsync(WebNode web, string className, TextbookPayment payment, params TextbookItemDraft[] items) =>
        ListAsync(web, className, Today(web).AddDays(-1), Today(web).AddDays(10), payment, items);

    public static IPurseGrain Purse(WebNode web, Guid pupilId) => web.Services.GetRequiredService<IGrainFactory>().GetGrain<IPurseGrain>(pupilId);

    public static async Task<long> BalanceAsync(WebNode web, Guid pupilId) =>
        (await Purse(web, pupilId).GetCompartmentsAsync()).Single(c => c.Compartment == Compartment).BalanceCents;

    public static async Task<long> CountAsync(WebNode web, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Db(web).CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static Task<long> ConfirmationsOfAsync(WebNode web, Guid pupilId) =>
        CountAsync(web, "SELECT count(*) FROM textbook_confirmations WHERE pupil_id = @p AND status = 'confirmed'", ("p", pupilId));

    public static async Task<Guid> ConfirmationIdAsync(WebNode web, Guid pupilId)
    {
        await using var command = Db(web).CreateCommand("SELECT id FROM textbook_confirmations WHERE pupil_id = @p AND status = 'confirmed'");
        command.Parameters.AddWithValue("p", pupilId);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A client signed in as <paramref name="parent"/> with <paramref name="pupilId"/>'s account open.</summary>
    public static async Task<HttpClient> ParentAsync(WebNode web, string parent, Guid pupilId)
    {
        var client = await SignedIn.AsAsync(web, parent);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(client, "/e/demo/comptes", $"/e/demo/comptes/{pupilId}")).StatusCode);
        return client;
    }

    public static string ListUrl(Guid listId) => $"/e/demo/manuels/{listId}";

    /// <summary>Posts the parent's answer as the browser would: the page's token, the pupil, a choice per item (c.{id}).</summary>
    public static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, Guid listId, Guid pupil, params (Guid Item, string Choice)[] choices)
    {
        var page = await client.GetStringAsync(ListUrl(listId));
        return await PostAsync(client, listId, Forms.AntiforgeryToken(page), pupil, choices);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, Guid listId, string token, Guid pupil, params (Guid Item, string Choice)[] choices)
    {
        var values = new List<KeyValuePair<string, string>> { new("__RequestVerificationToken", token), new("Pupil", pupil.ToString()) };
        values.AddRange(choices.Select(c => new KeyValuePair<string, string>($"c.{c.Item}", c.Choice)));
        return await client.PostAsync(ListUrl(listId), new FormUrlEncodedContent(values));
    }

    public static async Task<string> TextAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    static NpgsqlDataSource Db(WebNode web) => web.Services.GetRequiredService<NpgsqlDataSource>();
}