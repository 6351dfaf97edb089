using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using ItSchool.Invoices;
using ItSchool.Platform.Database;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Management;

/// <summary>
/// The school-wide lists read one page at a time: 50 rows, the pager's count, the rest on page 2, the filter kept from
/// page to page, and a page number that is no page answered with a page, never an error. Each test puts its rows in a
/// class of its own, so its filter sees only them.
/// </summary>
public sealed partial class PagingTests(WebNode web) : IClassFixture<WebNode>
{
    const int Seeded = PagingRows.Seeded;

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    PagingRows Seed => new(web);

    [Fact]
    public async Task The_pupils_list_pages_its_class()
    {
        var className = await Seed.PupilsAsync();
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var first = await PageAsync(manager, $"gestion/eleves?classe={className}");
        Assert.Equal(PageRequest.Size, Rows(first, "<tr data-pupil="));
        Assert.Contains($"{Seeded} élève(s)", first);
        Assert.Contains("Page 1 sur 2", first);
        Assert.Contains($"data-total=\"{Seeded}\"", first);
        Assert.Contains("Paging 001", first);
        Assert.DoesNotContain("Paging 051", first);
        Assert.Contains($"href=\"gestion/eleves?classe={className}&page=2\"", first);

        var second = await PageAsync(manager, $"gestion/eleves?classe={className}&page=2");
        Assert.Equal(Seeded - PageRequest.Size, Rows(second, "<tr data-pupil="));
        Assert.Contains("Paging 051", second);
        Assert.Contains("Paging 060", second);
        Assert.DoesNotContain("Paging 050", second);
        Assert.Contains($"href=\"gestion/eleves?classe={className}\"", second);

        var all = await PageAsync(manager, "gestion/eleves");
        Assert.Equal(PageRequest.Size, Rows(all, "<tr data-pupil="));
        Assert.Contains($"data-total=\"{await CountAsync("SELECT count(*) FROM pupils WHERE school_id = @school")}\"", all);
    }

    [Fact]
    public async Task The_balances_page_its_search_also_as_an_htmx_fragment_and_the_export_has_every_row()
    {
        var className = await Seed.PupilsAsync();
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var first = await PageAsync(manager, $"gestion/portefeuilles?q={className}");
        Assert.Equal(PageRequest.Size, Rows(first, "<tr data-pupil="));
        Assert.Contains("Page 1 sur 2", first);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/e/demo/gestion/portefeuilles?q={className}&page=2");
        request.Headers.Add("HX-Request", "true");
        var fragment = WebUtility.HtmlDecode(await (await manager.SendAsync(request)).Content.ReadAsStringAsync());
        Assert.StartsWith("<div id=\"school-balances\"", fragment.TrimStart());
        Assert.Equal(Seeded - PageRequest.Size, Rows(fragment, "<tr data-pupil="));
        Assert.Contains("Page 2 sur 2", fragment);
        Assert.Contains($"hx-get=\"gestion/portefeuilles?q={className}\"", fragment);
        Assert.Contains("hx-target=\"#school-balances\"", fragment);

        var csv = Encoding.UTF8.GetString(await manager.GetByteArrayAsync($"/e/demo/gestion/portefeuilles/soldes.csv?q={className}"));
        Assert.Equal(Seeded + 1, csv.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_parents_list_pages_its_class_and_status_and_counts_every_parent()
    {
        var className = await Seed.PupilsAsync();
        await Seed.ExecuteAsync("""
            INSERT INTO users (id, school_id, user_name, email, first_name, last_name, role, invited_at)
            SELECT gen_random_uuid(), @school, 'paging.' || @class || '.' || n, 'paging' || n || '@example.be', 'Parent',
                   'Paging ' || lpad(n::text, 3, '0'), 'parent', CASE WHEN n <= @seeded THEN now() END
            FROM generate_series(1, @seeded + 5) n;
            INSERT INTO guardianships (school_id, user_id, pupil_id)
            SELECT @school, u.id, p.id FROM users u JOIN pupils p ON p.school_id = u.school_id AND p.class_name = @class
              AND p.last_name = CASE WHEN u.last_name > 'Paging 060' THEN 'Paging 001' ELSE u.last_name END
            WHERE u.school_id = @school AND u.user_name LIKE 'paging.' || @class || '.%';
            """, className);
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var first = await PageAsync(manager, $"gestion/parents?classe={className}&statut=invite");
        Assert.Equal(PageRequest.Size, Rows(first, "<tr id=\"parent-"));
        Assert.Contains($"data-total=\"{Seeded}\"", first);
        Assert.Contains($"href=\"gestion/parents?classe={className}&statut=invite&page=2\"", first);
        var all = await CountAsync("SELECT count(*) FROM users WHERE school_id = @school AND role = 'parent'");
        var never = await CountAsync("SELECT count(*) FROM users WHERE school_id = @school AND role = 'parent' AND invited_at IS NULL AND first_signed_in_at IS NULL");
        Assert.Contains($"{all} parent(s) :", first);
        Assert.Contains($"{never} jamais invité(s)", first);

        var second = await PageAsync(manager, $"gestion/parents?classe={className}&statut=invite&page=2");
        Assert.Equal(Seeded - PageRequest.Size, Rows(second, "<tr id=\"parent-"));
        Assert.Contains("Paging 060", second);
        Assert.DoesNotContain("Paging 061", second);
        Assert.DoesNotContain("Paging 001", second);

        var neverInvited = await PageAsync(manager, $"gestion/parents?classe={className}&statut=jamais-invite");
        Assert.Equal(5, Rows(neverInvited, "<tr id=\"parent-"));
        Assert.DoesNotContain("class=\"pager\"", neverInvited);
    }

    [Fact]
    public async Task The_invoices_list_pages_its_filters_totals_every_matching_invoice_and_exports_them_all()
    {
        var className = await Seed.InvoicesAsync();
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var filter = $"classe={className}&etat=Open";

        var first = await PageAsync(manager, $"gestion/factures?{filter}");
        Assert.Equal(PageRequest.Size, Rows(first, "<tr class=\"state-open\" data-invoice="));
        Assert.Contains($"{Seeded} factures · facturé {Money.Format(Seeded * 1_000)} · payé {Money.Format(0)} · reste à payer {Money.Format(Seeded * 1_000)}", first);
        Assert.Contains("Page 1 sur 2", first);
        Assert.Contains($"PG-{className}-060", first);
        Assert.Contains($"href=\"gestion/factures?{filter}&page=2\"", first);
        Assert.Contains($"action=\"gestion/factures/rappels?{filter}\"", first);

        var second = await PageAsync(manager, $"gestion/factures?{filter}&page=2");
        Assert.Equal(Seeded - PageRequest.Size, Rows(second, "data-invoice="));
        Assert.Contains($"PG-{className}-001", second);
        Assert.DoesNotContain($"PG-{className}-011", second);
        Assert.DoesNotContain("state-paid", second);
        Assert.Contains($"{Seeded} factures", second);
        Assert.Contains($"action=\"gestion/factures/rappels?{filter}&page=2\"", second);

        var withPaid = await PageAsync(manager, $"gestion/factures?classe={className}");
        Assert.Contains($"{Seeded + 5} factures · facturé {Money.Format((Seeded + 5) * 1_000)} · payé {Money.Format(5_000)}", withPaid);

        // Ticking nothing on page 2 comes back to page 2 of the same filter.
        var reminded = await Forms.PostAsync(manager, $"/e/demo/gestion/factures?{filter}&page=2", $"/e/demo/gestion/factures/rappels?{filter}&page=2",
            ("Key", Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Redirect, reminded.StatusCode);
        Assert.Contains($"{filter}&page=2", reminded.Headers.Location!.ToString());

        var csv = Encoding.UTF8.GetString(await manager.GetByteArrayAsync($"/e/demo/gestion/factures/export.csv?{filter}"));
        Assert.Equal(Seeded + 1, csv.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task The_state_filter_in_SQL_agrees_with_the_state_each_row_is_shown_with()
    {
        await Seed.InvoicesAsync();
        var list = web.Services.GetRequiredService<InvoiceList>();
        var today = InvoiceStates.Today(web.Clock);
        var all = await list.SearchAsync(new InvoiceFilter(DemoSchool.Id), today);
        foreach (var state in Enum.GetValues<InvoiceState>())
        {
            var page = await list.PageAsync(new InvoiceFilter(DemoSchool.Id, State: state), today, PageRequest.First);
            Assert.Equal(all.Count(r => r.State == state), page.Rows.Total);
            Assert.All(page.Rows.Rows, r => Assert.Equal(state, r.State));
        }
    }

    [Fact]
    public async Task The_movements_to_resolve_page_newest_first()
    {
        await Seed.ExecuteAsync("""
            INSERT INTO bank_imports (id, school_id, file_name, status, uploaded_at, uploaded_by)
            VALUES ('00000000-0000-0000-0000-0000000000a1', @school, 'paging.cod', 'applied', now(), 'test');
            INSERT INTO bank_movements (school_id, bank_reference, import_id, account, year, statement_number, amount_cents, value_date,
                                        counterparty_name, communication, status)
            SELECT @school, 'paging-' || n, '00000000-0000-0000-0000-0000000000a1', 'BE68539007547034', 2099, 1, 1000 + n, '2099-01-01',
                   'PAGING ' || lpad(n::text, 3, '0'), 'Pour la classe', 'to_resolve'
            FROM generate_series(1, @seeded) n;
            """, "");
        var total = await CountAsync("SELECT count(*) FROM bank_movements WHERE school_id = @school AND status = 'to_resolve'");
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var first = await PageAsync(manager, "gestion/releves/a-traiter");
        Assert.Equal(PageRequest.Size, Rows(first, "<tr data-movement="));
        Assert.Contains($"data-total=\"{total}\"", first);
        Assert.Contains("PAGING 060", first);
        Assert.DoesNotContain("PAGING 010", first);

        var second = await PageAsync(manager, "gestion/releves/a-traiter?page=2");
        Assert.Equal(Math.Min(total - PageRequest.Size, PageRequest.Size), Rows(second, "<tr data-movement="));
        Assert.Contains("PAGING 010", second);
        Assert.Contains("PAGING 001", second);
    }

    [Theory]
    [InlineData("gestion/eleves?classe={0}", "<tr data-pupil=")]
    [InlineData("gestion/portefeuilles?q={0}", "<tr data-pupil=")]
    [InlineData("gestion/parents?classe={0}", "<tr id=\"parent-")]
    [InlineData("gestion/factures?classe={0}", "data-invoice=")]
    [InlineData("gestion/releves/a-traiter?x={0}", "<tr data-movement=")]
    public async Task A_page_number_that_is_no_page_shows_the_first_or_the_last_page(string list, string row)
    {
        var className = await Seed.InvoicesAsync();
        await Seed.ExecuteAsync("""
            INSERT INTO users (id, school_id, user_name, first_name, last_name, role)
            SELECT gen_random_uuid(), @school, 'paging.' || @class || '.' || n, 'Parent', 'Paging', 'parent' FROM generate_series(1, 3) n;
            INSERT INTO guardianships (school_id, user_id, pupil_id)
            SELECT @school, u.id, (SELECT id FROM pupils WHERE class_name = @class LIMIT 1) FROM users u WHERE u.user_name LIKE 'paging.' || @class || '.%';
            INSERT INTO bank_imports (id, school_id, file_name, status, uploaded_at, uploaded_by)
            VALUES (gen_random_uuid(), @school, 'paging.cod', 'applied', now(), 'test');
            INSERT INTO bank_movements (school_id, bank_reference, import_id, account, year, statement_number, amount_cents, value_date, status)
            SELECT @school, 'paging-' || @class, (SELECT id FROM bank_imports WHERE school_id = @school ORDER BY uploaded_at DESC LIMIT 1),
                   'BE68539007547034', 2099, 2, 500, '2098-01-01', 'to_resolve';
            """, className);
        using var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var address = string.Format(CultureInfo.InvariantCulture, list, className);
        var firstPage = await PageAsync(manager, address);

        foreach (var malformed in new[] { "abc", "0", "-2", "1.5", "99999999999999999999", "%00" })
        {
            var page = await PageAsync(manager, $"{address}&page={malformed}");
            Assert.Equal(Rows(firstPage, row), Rows(page, row));
            Assert.DoesNotContain("n'existe pas", page);
        }

        var pastTheEnd = await PageAsync(manager, $"{address}&page=2147483647");
        Assert.Contains("La page 2147483647 n'existe pas : voici la dernière.", pastTheEnd);
        Assert.True(Rows(pastTheEnd, row) > 0);
    }

    async Task<int> CountAsync(string sql)
    {
        await using var command = Db.CreateCommand(sql);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        return (int)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The page as text, its entities decoded: 200 or the test fails.</summary>
    static async Task<string> PageAsync(HttpClient client, string page)
    {
        var response = await client.GetAsync("/e/demo/" + page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    static int Rows(string page, string marker) => Regex.Matches(page, Regex.Escape(marker)).Count;
}