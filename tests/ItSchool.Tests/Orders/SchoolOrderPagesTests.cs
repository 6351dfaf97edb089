using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Tests.Management;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Orders;

public sealed class SchoolOrderPagesTests(WebNode web) : IClassFixture<WebNode>
{
    const string Admin = "/e/demo/gestion/commandes";
    const string New = Admin + "/nouveau";

    [Fact]
    public async Task Bad_input_gets_a_clear_message_and_stores_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await CountAsync("order_forms");
        var day = SchoolTime.Today(web.Clock);

        async Task RefusedAsync(string message, params (string, string)[] fields)
        {
            var response = await Forms.PostAsync(manager, New, New, fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains("role=\"alert\"", html);
            Assert.Contains(message, html);
            // The form comes back as typed.
            Assert.Contains("value=\"Gourdes\"", html);
            Assert.Equal(before, await CountAsync("order_forms"));
        }

        (string, string)[] Form(string opens, string closes, string price, params (string, string)[] more) =>
        [
            ("Kind", "shop"), ("Title", "Gourdes"), ("Opens", opens), ("Closes", closes), ("Audience", "all"), ("Payment", "wallet"),
            ("Compartment", "1"), ("A0.Code", "GOURDE"), ("A0.Label", "Gourde"), ("A0.Price", price), .. more,
        ];
        var (today, later) = ($"{day:yyyy-MM-dd}", $"{day.AddDays(10):yyyy-MM-dd}");
        await RefusedAsync("Le dernier jour doit venir après le premier", Form(later, today, "9,00"));
        await RefusedAsync("Le prix de l'article GOURDE n'est pas valable", Form(today, later, "-3"));
        await RefusedAsync("Le stock de GOURDE doit être un nombre entier", Form(today, later, "9,00", ("A0.Stock", "-2")));
        await RefusedAsync("Le stock de GOURDE M doit être un nombre entier", Form(today, later, "9,00", ("A0.Options", "S:4, M:beaucoup")));
        await RefusedAsync("Le code d'article « gour de » n'est pas valable", [.. Form(today, later, "9,00").Where(f => f.Item1 != "A0.Code"), ("A0.Code", "gour de")]);
        await RefusedAsync("Classe inconnue dans l'école : 9Z.", [.. Form(today, later, "9,00").Where(f => f.Item1 != "Audience"), ("Audience", "classes"), ("Class", "9Z")]);
        await RefusedAsync("Choisissez un compartiment", [.. Form(today, later, "9,00").Where(f => f.Item1 != "Compartment"), ("Compartment", "77")]);
        await RefusedAsync("Ajoutez au moins un article.", [.. Form(today, later, "9,00").Where(f => !f.Item1.StartsWith("A0."))]);
        // Every problem at once, not only the first.
        var both = await Forms.PostAsync(manager, New, New, Form(later, today, "abc"));
        var text = WebUtility.HtmlDecode(await both.Content.ReadAsStringAsync());
        Assert.Contains("Le dernier jour doit venir après le premier", text);
        Assert.Contains("Le prix de l'article GOURDE n'est pas valable", text);

        // The same form, right this time, is created and listed with its window as the platform words it.
        var created = await Forms.PostAsync(manager, New, New, Form(today, later, "9,00", ("A0.Stock", "40")));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal(before + 1, await CountAsync("order_forms"));
        var list = WebUtility.HtmlDecode(await manager.GetStringAsync(Admin));
        Assert.Contains("Gourdes", list);
        Assert.Contains($"accessible du {day:dd/MM/yyyy} au {day.AddDays(10):dd/MM/yyyy}", list);
        // The demo's forms are there too: the chromebooks' form for the whole school year.
        Assert.Contains("Location-retour chromebooks", list);
        Assert.Matches(@"accessible du 26/08/\d{4} au 30/06/\d{4}", list);
    }

    [Fact]
    public async Task Once_ordered_a_price_cannot_change_an_ordered_article_can_only_be_withdrawn_and_stock_stays_above_what_is_sold()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (formId, edit) = await CreateShopAsync(manager, "Sweats de l'école");
        await PlaceAsync(formId, "Chloé", ("SWEAT", "M", 3), ("BONNET", "", 1));
        var version = await VersionAsync(formId);

        async Task RefusedAsync(string message, params (string, string)[] changes)
        {
            var response = await Forms.PostAsync(manager, edit, edit, [.. Fields(changes)]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(message, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
            Assert.Equal(version, await VersionAsync(formId));
            Assert.Equal(2500, await PriceAsync(formId, "SWEAT"));
        }

        await RefusedAsync("Le prix de « Sweat » ne peut plus changer", ("A0.Price", "27,00"));
        await RefusedAsync("Le stock de « Sweat M » ne peut pas descendre sous les 3 déjà commandés", ("A0.Options", "S:10, M:2, L:10"));
        await RefusedAsync("« Sweat M » a déjà été commandé : cette taille ne peut pas disparaître", ("A0.Options", "S:10, L:10"));
        await RefusedAsync("« Bonnet » a déjà été commandé : il peut être retiré de la vente, pas supprimé", ("A1.Remove", "1"));

        // What the orders allow goes through: a stock down to what is sold, the article withdrawn, a new article; the version moves.
        var changed = await Forms.PostAsync(manager, edit, edit,
            [.. Fields(("A0.Options", "S:10, M:3, L:10"), ("A1.Withdrawn", "1"), ("A2.Code", "GOURDE"), ("A2.Label", "Gourde"), ("A2.Price", "9"))]);
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(version + 1, await VersionAsync(formId));
        var form = (await Store(web).FindAsync(DemoSchool.Id, formId))!;
        Assert.True(form.Article("BONNET")!.Withdrawn);
        Assert.Equal(3, form.Article("SWEAT")!.Option("M")!.Stock);
        Assert.NotNull(form.Article("GOURDE"));
        // The grain read the change: M is sold out.
        Assert.Contains(await web.Services.GetRequiredService<IGrainFactory>().OrderForm(formId).GetStockAsync(),
            s => s is { ArticleCode: "SWEAT", Option: "M", Left: 0 });
    }

    [Fact]
    public async Task A_form_of_another_school_is_not_found_and_parents_and_teachers_are_refused()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var other = await TestSchools.CreateAsync(db);
        var theirs = Guid.NewGuid();
        var proof = Guid.NewGuid();
        await using (var insert = db.CreateCommand("""
            INSERT INTO pupils (id, school_id, first_name, last_name, class_name) VALUES (@pupil, @school, 'Zoé', 'Ailleurs', '1A');
            INSERT INTO order_forms (id, school_id, kind, title, opens_on, closes_on, payment, created_by, created_at)
            VALUES (@form, @school, 'photos', 'Leurs photos', current_date, current_date + 10, 'invoice', 'x', now());
            INSERT INTO order_articles (form_id, code, label, price_cents, position) VALUES (@form, 'A', 'Leur article', 500, 0);
            INSERT INTO order_article_options (form_id, article_code, option, position) VALUES (@form, 'A', '', 0);
            INSERT INTO order_proofs (id, form_id, pupil_id, file_name, content_type, data, uploaded_by, uploaded_at)
            VALUES (@proof, @form, @pupil, 'zoe.png', 'image/png', @data, 'x', now());
            """))
        {
            insert.Parameters.AddWithValue("school", other);
            insert.Parameters.AddWithValue("form", theirs);
            insert.Parameters.AddWithValue("pupil", Guid.NewGuid());
            insert.Parameters.AddWithValue("proof", proof);
            insert.Parameters.AddWithValue("data", DemoOrders.Card("ZA", (10, 10, 10)));
            await insert.ExecuteNonQueryAsync();
        }
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        foreach (var page in new[] { "", "/modifier", "/export.csv", "/photos", $"/photos/{proof}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{theirs}{page}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, New, $"{Admin}/{theirs}/modifier",
            ("Kind", "shop"), ("Title", "Détourné"), ("Opens", "2026-01-01"), ("Closes", "2026-02-01"), ("Payment", "invoice"), ("DueDays", "10"),
            ("A0.Code", "A"), ("A0.Label", "X"), ("A0.Price", "1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, New, $"{Admin}/{theirs}/livrer")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, New, $"{Admin}/{theirs}/photos/{proof}/supprimer")).StatusCode);
        await using (var check = db.CreateCommand("SELECT title || (SELECT count(*) FROM order_proofs WHERE form_id = @form) FROM order_forms WHERE id = @form"))
        {
            check.Parameters.AddWithValue("form", theirs);
            Assert.Equal("Leurs photos1", await check.ExecuteScalarAsync());
        }
        // Their proof is not served through one of this school's forms either, nor by the shared helper.
        var (mine, _) = await CreateShopAsync(manager, "Photos à nous", kind: "photos");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{mine}/photos/{proof}")).StatusCode);
        Assert.Null(await Store(web).ProofAsync(DemoSchool.Id, theirs, proof));
        Assert.NotNull(await Store(web).ProofAsync(other, theirs, proof));

        foreach (var who in new[] { "marc.dubois", "sophie.martin" })
        {
            var client = await SignedIn.AsAsync(web, who);
            Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(Admin)).StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync($"{Admin}/{mine}/export.csv")).StatusCode);
        }
    }

    [Fact]
    public async Task The_supplier_export_has_the_totals_and_a_line_per_order_line_and_orders_are_marked_delivered()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (formId, _) = await CreateShopAsync(manager, "Sweats pour l'export");
        var chloe = await PlaceAsync(formId, "Chloé", ("SWEAT", "M", 2));
        var lucas = await PlaceAsync(formId, "Lucas", ("SWEAT", "M", 1), ("SWEAT", "L", 1), ("BONNET", "", 1));
        var benoit = await PlaceAsync(formId, "Benoît", ("BONNET", "", 2));

        var response = await manager.GetAsync($"{Admin}/{formId}/export.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("Article;Taille;Classe;Quantité;Montant", lines[0]);
        Assert.Contains("Sweat;M;4B;3;75,00", lines);
        Assert.Contains("Sweat;L;4B;1;25,00", lines);
        Assert.Contains("Bonnet;;6A;2;16,00", lines);
        Assert.Contains("Bonnet;;Toutes les classes;3;24,00", lines);
        Assert.Contains(lines, l => l.StartsWith("4B;Dubois Chloé;Sweat;M;2;25,00;50,00;", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("6A;Lefèvre Benoît;Bonnet;;2;8,00;16,00;", StringComparison.Ordinal));

        // The page's totals per article and class.
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync($"{Admin}/{formId}"));
        Assert.Contains("Commandes (3)", page);

        // One order by its own button, two by the selection; a delivered order can no longer be cancelled.
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, $"{Admin}/{formId}", $"{Admin}/{formId}/commandes/{chloe}/livrer")).StatusCode);
        Assert.NotNull(await DeliveredAsync(chloe));
        Assert.Null(await DeliveredAsync(lucas));
        var selected = await Forms.PostAsync(manager, $"{Admin}/{formId}", $"{Admin}/{formId}/livrer",
            ("OrderId", lucas.ToString()), ("OrderId", benoit.ToString()), ("OrderId", Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Redirect, selected.StatusCode);
        Assert.Contains("ok=delivered&n=2", selected.Headers.Location!.ToString());
        Assert.NotNull(await DeliveredAsync(lucas));
        Assert.NotNull(await DeliveredAsync(benoit));
        var cancel = await Forms.PostAsync(manager, $"{Admin}/{formId}", $"{Admin}/{formId}/commandes/{chloe}/annuler");
        Assert.Contains("ok=cancel-delivered", cancel.Headers.Location!.ToString());
        Assert.Contains("ne peut plus être annulée", WebUtility.HtmlDecode(await manager.GetStringAsync(cancel.Headers.Location)));
        Assert.Equal("placed", await StatusAsync(chloe));
        Assert.Contains("Livrée le", WebUtility.HtmlDecode(await manager.GetStringAsync($"{Admin}/{formId}")));
    }

    [Fact]
    public async Task The_school_cancels_an_order_and_the_invoice_is_credited()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (formId, _) = await CreateShopAsync(manager, "Sweats annulés");
        var order = await PlaceAsync(formId, "Chloé", ("SWEAT", "S", 1));
        var cancel = await Forms.PostAsync(manager, $"{Admin}/{formId}", $"{Admin}/{formId}/commandes/{order}/annuler");
        Assert.Contains("ok=cancelled", cancel.Headers.Location!.ToString());
        Assert.Equal("cancelled", await StatusAsync(order));
        // An order of another form through this one is not found.
        var (otherForm, _) = await CreateShopAsync(manager, "Autres sweats");
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, $"{Admin}/{formId}", $"{Admin}/{otherForm}/commandes/{order}/annuler")).StatusCode);
    }

    [Fact]
    public async Task Proofs_are_pictures_of_at_most_five_megabytes_and_a_refused_upload_stores_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var (formId, _) = await CreateShopAsync(manager, "Photos de fin d'année", kind: "photos");
        var photos = $"{Admin}/{formId}/photos";
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var png = DemoOrders.Card("CD", (200, 30, 30));

        async Task<string> UploadAsync(params (string Name, byte[] Data)[] files)
        {
            var content = new MultipartFormDataContent
            {
                { new StringContent(Forms.AntiforgeryToken(await manager.GetStringAsync(photos))), "__RequestVerificationToken" },
                { new StringContent(chloe.ToString()), "Pupil" },
            };
            foreach (var (name, data) in files)
            {
                var file = new ByteArrayContent(data);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                content.Add(file, "File", name);
            }
            var response = await manager.PostAsync(photos, content);
            return response.StatusCode == HttpStatusCode.Redirect
                ? response.Headers.Location!.ToString()
                : WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("« lettre.png » n'est pas une photo JPEG ou PNG", await UploadAsync(("chloe.png", png), ("lettre.png", Encoding.UTF8.GetBytes("Bonjour"))));
        Assert.Equal(0, await CountProofsAsync(formId));
        var huge = new byte[OrderFormAdmin.MaxProofBytes + 1];
        png.CopyTo(huge, 0);
        Assert.Contains("« grande.png » dépasse 5 Mo", await UploadAsync(("grande.png", huge)));
        Assert.Equal(0, await CountProofsAsync(formId));
        // A PNG named as a JPEG is refused too: the name must agree with the content.
        Assert.Contains("n'est pas une photo JPEG ou PNG", await UploadAsync(("chloe.jpg", png)));

        Assert.Contains("ok=proofs&n=2", await UploadAsync(("chloe.png", png), ("chloe-2.png", png)));
        Assert.Equal(2, await CountProofsAsync(formId));
        var page = await manager.GetStringAsync(photos);
        var id = System.Text.RegularExpressions.Regex.Match(page, $"photos/([0-9a-f-]{{36}})\"").Groups[1].Value;
        var served = await manager.GetAsync($"{photos}/{id}");
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());
        var shared = await Store(web).ProofAsync(DemoSchool.Id, formId, Guid.Parse(id));
        Assert.Equal(chloe, shared!.PupilId);

        // The photographer's ZIP: named after the matricule; a picture of nobody refuses the whole ZIP.
        await using (var db = NpgsqlDataSource.Create(web.ConnectionString))
        await using (var reference = db.CreateCommand("UPDATE pupils SET reference = 'M4242' WHERE id = @id"))
        {
            reference.Parameters.AddWithValue("id", chloe);
            await reference.ExecuteNonQueryAsync();
        }
        async Task<string> ZipAsync(params string[] names)
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var name in names)
                {
                    await using var entry = zip.CreateEntry(name).Open();
                    await entry.WriteAsync(png);
                }
            }
            var content = new MultipartFormDataContent
            {
                { new StringContent(Forms.AntiforgeryToken(await manager.GetStringAsync(photos))), "__RequestVerificationToken" },
                { new ByteArrayContent(buffer.ToArray()), "Zip", "photographe.zip" },
            };
            var response = await manager.PostAsync($"{photos}/zip", content);
            return response.StatusCode == HttpStatusCode.Redirect
                ? response.Headers.Location!.ToString()
                : WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("« 99999_1.png » ne commence par le matricule d'aucun élève", await ZipAsync("M4242_1.png", "99999_1.png"));
        Assert.Equal(2, await CountProofsAsync(formId));
        Assert.Contains("ok=proofs&n=2", await ZipAsync("M4242_1.png", "m4242-2.png"));
        Assert.Equal(4, await CountProofsAsync(formId));
    }

    /// <summary>A shop form for every class, paid by invoice: "Sweat" in S/M/L (10 each) at 25 € and "Bonnet" at 8 €.</summary>
    async Task<(Guid Id, string EditPage)> CreateShopAsync(HttpClient manager, string title, string kind = "shop")
    {
        var day = SchoolTime.Today(web.Clock);
        var created = await Forms.PostAsync(manager, New, New, ("Kind", kind), ("Title", title), ("Opens", $"{day.AddDays(-1):yyyy-MM-dd}"),
            ("Closes", $"{day.AddDays(30):yyyy-MM-dd}"), ("Audience", "all"), ("Payment", "invoice"), ("DueDays", "14"),
            ("A0.Code", "SWEAT"), ("A0.Label", "Sweat"), ("A0.Price", "25,00"), ("A0.Options", "S:10, M:10, L:10"),
            ("A1.Code", "BONNET"), ("A1.Label", "Bonnet"), ("A1.Price", "8"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = Guid.Parse(created.Headers.Location!.ToString().Split('/')[^1].Split('?')[0]);
        return (id, $"{Admin}/{id}/modifier");
    }

    /// <summary>The shop's fields as <see cref="CreateShopAsync"/> typed them, with some changed.</summary>
    static IEnumerable<(string, string)> Fields(params (string Name, string Value)[] changes)
    {
        var fields = new Dictionary<string, string>
        {
            ["Kind"] = "shop",
            ["Title"] = "Sweats de l'école",
            ["Opens"] = "2020-01-01",
            ["Closes"] = "2099-01-01",
            ["Audience"] = "all",
            ["Payment"] = "invoice",
            ["DueDays"] = "14",
            ["A0.Code"] = "SWEAT",
            ["A0.Label"] = "Sweat",
            ["A0.Price"] = "25,00",
            ["A0.Options"] = "S:10, M:10, L:10",
            ["A1.Code"] = "BONNET",
            ["A1.Label"] = "Bonnet",
            ["A1.Price"] = "8,00",
        };
        foreach (var (name, value) in changes)
        {
            fields[name] = value;
        }
        return fields.Select(f => (f.Key, f.Value));
    }

    async Task<Guid> PlaceAsync(Guid formId, string pupil, params (string Article, string Option, int Quantity)[] lines)
    {
        var form = (await Store(web).FindAsync(DemoSchool.Id, formId))!;
        var total = lines.Sum(l => l.Quantity * form.Article(l.Article)!.PriceCents);
        var result = await web.Services.GetRequiredService<IGrainFactory>().OrderForm(formId).PlaceAsync(new PlaceOrder(Guid.NewGuid().ToString(),
            DemoSchool.Id, await DemoPupils.IdAsync(web, pupil), [.. lines.Select(l => new OrderLineRequest(l.Article, l.Option, l.Quantity))], total,
            new Actor(ActorKind.User, null, "Test")));
        Assert.True(result.Placed, $"Refused: {result.Refusal}");
        return result.Order!.Id;
    }

    static OrderFormAdmin Store(WebNode web) => web.Services.GetRequiredService<OrderFormAdmin>();

    async Task<long> CountAsync(string table)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        return await TestSchools.CountAsync(db, table, DemoSchool.Id);
    }

    async Task<T?> ScalarAsync<T>(string sql, Guid id)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    Task<int> VersionAsync(Guid formId) => ScalarAsync<int>("SELECT version FROM order_forms WHERE id = @id", formId);

    Task<long> PriceAsync(Guid formId, string code) =>
        ScalarAsync<long>($"SELECT price_cents FROM order_articles WHERE form_id = @id AND code = '{code}'", formId);

    Task<long> CountProofsAsync(Guid formId) => ScalarAsync<long>("SELECT count(*) FROM order_proofs WHERE form_id = @id", formId);

    Task<DateTime?> DeliveredAsync(Guid orderId) => ScalarAsync<DateTime?>("SELECT delivered_at FROM orders WHERE id = @id", orderId);

    Task<string?> StatusAsync(Guid orderId) => ScalarAsync<string>("SELECT status FROM orders WHERE id = @id", orderId);
}