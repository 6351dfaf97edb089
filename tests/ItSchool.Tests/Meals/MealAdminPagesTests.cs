using System.Net;
using System.Text;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

/// <summary>The school's meal pages over HTTP: the week's menus, closing a day, withdrawing, the import, the rules, allergies, the report.</summary>
public sealed class MealAdminPagesTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    const string Week = "/e/demo/gestion/repas";
    static readonly Actor Marc = new(ActorKind.User, "marc.dubois", "Marc Dubois");

    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();
    MealMenus Menus => web.Services.GetRequiredService<MealMenus>();

    // The demo school has menus and bookings for the next four weeks: these tests work on the weeks after them, which
    // a longer horizon opens to bookings.
    public async Task InitializeAsync()
    {
        await Grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meals);
        Assert.True(await Menus.SetRulesAsync(DemoSchool.Id, MealRules.Default with { HorizonDays = 150 }));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The <paramref name="n"/>th school day from five weeks ahead, after the demo's menus: bookable under this class's rules.</summary>
    static DateOnly SchoolDay(int n)
    {
        var day = SchoolTime.Today(TimeProvider.System).AddDays(35);
        for (var left = n; ; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            if (left-- == 0)
            {
                return day;
            }
        }
    }

    static string Key(DateOnly day) => day.ToString("yyyy-MM-dd");

    static string WeekOf(DateOnly day) => $"{Week}?semaine={Key(day)}";

    static (string, string)[] Article(string code, string label, string price = "3,20", string compartment = "2", string capacity = "", params string[] allergens) =>
        [("Code", code), ("Label", label), ("Price", price), ("Compartment", compartment), ("Capacity", capacity), .. allergens.Select(a => ("Allergen", a))];

    async Task<string> PostPageAsync(HttpClient client, DateOnly day, string action, params (string, string)[] fields)
    {
        var response = await Forms.PostAsync(client, WeekOf(day), action, fields);
        var body = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{action}: {response.StatusCode}");
        return response.StatusCode == HttpStatusCode.Redirect ? WebUtility.HtmlDecode(await client.GetStringAsync(response.Headers.Location!.ToString())) : body;
    }

    async Task<IReadOnlyList<MenuArticle>> ArticlesAsync(DateOnly day) => (await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Articles;

    async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    async Task<Guid> FundedPupilAsync(string firstName)
    {
        var id = await DemoPupils.IdAsync(web, firstName);
        Assert.True((await Grains.GetGrain<IPurseGrain>(id).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, 5_000, MovementKind.BankTopUp,
            PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        return id;
    }

    async Task<MealBookingView> BookAsync(DateOnly day, Guid pupil, string code)
    {
        var result = await Grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking(Guid.NewGuid().ToString(), pupil, code, Marc));
        Assert.True(result.Booked, $"Booking refused: {result.Refusal}");
        return result.Booking!;
    }

    [Fact]
    public async Task The_manager_enters_edits_and_removes_a_days_articles_from_the_week_page()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(0);
        var page = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles",
            Article("chaud", "Boulettes sauce tomate", "4,50", "2", "80", "Gluten", "Milk"));
        Assert.Contains("L'article est ajouté.", page);
        Assert.Contains("Boulettes sauce tomate", page);
        Assert.Contains("80 portions", page);
        Assert.Contains("Allergènes : Gluten, Lait", page);
        var saved = Assert.Single(await ArticlesAsync(day)).Article;
        Assert.Equal(new MealArticle("CHAUD", "Boulettes sauce tomate", 450, 2, Allergens.Gluten | Allergens.Milk, 80), saved);

        await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles", Article("POTAGE", "Potage", "1.20", "2"));
        page = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles/CHAUD", Article("IGNORED", "Boulettes, purée", "4,80", "2", "", "Celery"));
        Assert.Contains("L'article est enregistré.", page);
        Assert.Equal(new MealArticle("CHAUD", "Boulettes, purée", 480, 2, Allergens.Celery, null),
            (await ArticlesAsync(day)).Single(a => a.Article.Code == "CHAUD").Article);

        page = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles/POTAGE/supprimer");
        Assert.Contains("L'article est supprimé.", page);
        Assert.Equal(["CHAUD"], (await ArticlesAsync(day)).Select(a => a.Article.Code));

        // The same code twice on a day is refused; editing or removing a code the day does not have is not found.
        page = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles", Article("CHAUD", "Autre"));
        Assert.Contains("Ce jour a déjà un article « CHAUD ».", page);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(claire, WeekOf(day), $"{Week}/jour/{Key(SchoolDay(1))}/articles/CHAUD",
            Article("CHAUD", "Forgé"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(claire, WeekOf(day), $"{Week}/jour/pas-un-jour/articles", Article("X", "Forgé"))).StatusCode);
        Assert.Equal("Boulettes, purée", Assert.Single(await ArticlesAsync(day)).Article.Label);
    }

    [Theory]
    [InlineData("Price", "abc", "Le prix est un montant positif")]
    [InlineData("Price", "0", "Le prix est un montant positif")]
    [InlineData("Price", "-2", "Le prix est un montant positif")]
    [InlineData("Price", "4,555", "Le prix est un montant positif")]
    [InlineData("Price", "1000,01", "Le prix est un montant positif")]
    [InlineData("Capacity", "0", "Les portions sont un nombre entier")]
    [InlineData("Capacity", "-3", "Les portions sont un nombre entier")]
    [InlineData("Capacity", "dix", "Les portions sont un nombre entier")]
    [InlineData("Compartment", "9", "Ce compartiment n'existe pas")]
    [InlineData("Compartment", "Repas", "Ce compartiment n'existe pas")]
    [InlineData("Code", "pas de code", "Le code compte 1 à 20")]
    [InlineData("Label", "", "Le libellé est obligatoire")]
    [InlineData("Allergen", "Chocolate", "n'est pas l'un des 14 allergènes")]
    [InlineData("Allergen", "3", "n'est pas l'un des 14 allergènes")]
    public async Task A_bad_article_field_is_named_and_writes_nothing(string field, string value, string message)
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(2);
        var fields = Article("BAD", "Article refusé", "3,00", "2", "10").Where(f => f.Item1 != field).Append((field, value)).ToArray();
        var page = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles", fields);
        Assert.Contains(message, page);
        Assert.DoesNotContain(await ArticlesAsync(day), a => a.Article.Code == "BAD");
    }

    [Fact]
    public async Task Only_the_manager_reaches_the_pages_and_every_change_needs_the_antiforgery_token()
    {
        var day = SchoolDay(3);
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, day, [new MealArticle("GARDE", "Gardé", 300, 2, Allergens.None, null)]));
        foreach (var who in new[] { "marc.dubois", "sophie.martin", "karim.benali" })
        {
            using var client = await SignedIn.AsAsync(web, who);
            var token = Forms.AntiforgeryToken(await client.GetStringAsync("/e/demo/tableau-de-bord"));
            foreach (var page in new[] { "", "/import", "/import/exemple.csv", "/regles", "/allergies", "/rapport" })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Week + page)).StatusCode);
            }
            foreach (var action in new[] { $"/jour/{Key(day)}/articles/GARDE/supprimer", $"/jour/{Key(day)}/fermer", "/regles" })
            {
                var forged = await client.PostAsync(Week + action, new FormUrlEncodedContent(
                    [new("__RequestVerificationToken", token), new("Reason", "Strike"), new("HorizonDays", "5")]));
                Assert.True(forged.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{who} {action}: {forged.StatusCode}");
            }
        }
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var withoutToken = await claire.PostAsync($"{Week}/jour/{Key(day)}/articles/GARDE/supprimer", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        var closeWithoutToken = await claire.PostAsync($"{Week}/jour/{Key(day)}/fermer", new FormUrlEncodedContent([new("Reason", "Strike")]));
        Assert.Equal(HttpStatusCode.BadRequest, closeWithoutToken.StatusCode);
        Assert.Equal(["GARDE"], (await ArticlesAsync(day)).Select(a => a.Article.Code));
        Assert.Null((await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Closed);
    }

    [Fact]
    public async Task Another_schools_article_cannot_be_reached_through_the_demo_schools_address()
    {
        var day = SchoolDay(4);
        var other = Guid.CreateVersion7();
        await ScalarAsync<int>("""
            INSERT INTO schools (id, slug, name) VALUES (@id, @slug, 'Autre école');
            INSERT INTO wallet_compartments (school_id, compartment, name, floor_cents) VALUES (@id, 2, 'Repas', 0);
            SELECT 1;
            """, ("id", other), ("slug", $"autre-{other:N}"));
        Assert.Null(await Menus.SetDayAsync(other, day, [new MealArticle("AUTRE", "Repas d'ailleurs", 500, 2, Allergens.None, null)]));
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");

        foreach (var action in new[] { "AUTRE", "AUTRE/supprimer", "AUTRE/retirer" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(claire, WeekOf(day), $"{Week}/jour/{Key(day)}/articles/{action}",
                Article("AUTRE", "Volé"))).StatusCode);
        }
        var other_day = (await Menus.DaysAsync(other, day, 1))[0];
        var kept = Assert.Single(other_day.Articles);
        Assert.Equal(("Repas d'ailleurs", false), (kept.Article.Label, kept.Withdrawn));
        Assert.DoesNotContain("Repas d'ailleurs", await claire.GetStringAsync(WeekOf(day)));
    }

    [Fact]
    public async Task Closing_a_day_with_three_bookings_asks_first_refunds_each_once_and_mails_each_guardian_once()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(5);
        const string label = "Lasagne du jour de grève";
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, day, [new MealArticle("LASAGNE", label, 390, 2, Allergens.Gluten, null)]));
        var pupils = new[] { await FundedPupilAsync("Benoît"), await FundedPupilAsync("Lucas"), await FundedPupilAsync("Chloé") };
        var bookings = new List<MealBookingView>();
        foreach (var pupil in pupils)
        {
            bookings.Add(await BookAsync(day, pupil, "LASAGNE"));
        }
        var balances = new Dictionary<Guid, long>();
        foreach (var pupil in pupils)
        {
            balances[pupil] = (await Grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents;
        }

        var asked = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/fermer", ("Reason", "Strike"));
        Assert.Contains("3 réservation(s) seront remboursées.", asked);
        Assert.Contains("Raison : Grève", asked);
        Assert.Null((await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Closed);
        Assert.All(await Grains.Day(DemoSchool.Id, day).GetBookingsAsync(), b => Assert.Equal(BookingStatus.Booked, b.Status));

        var closed = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/fermer", ("Reason", "Strike"), ("Confirmed", "1"));
        Assert.Contains("Le jour est fermé ; 3 réservation(s) remboursée(s).", closed);
        Assert.Contains("Fermé : Grève", closed);
        Assert.Equal(ClosureReason.Strike, (await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Closed);
        Assert.All(await Grains.Day(DemoSchool.Id, day).GetBookingsAsync(),
            b => Assert.Equal((BookingStatus.Refunded, RefundReason.DayClosed), (b.Status, b.RefundReason)));
        foreach (var pupil in pupils)
        {
            Assert.Equal(balances[pupil] + 390,
                (await Grains.GetGrain<IPurseGrain>(pupil).GetCompartmentsAsync()).Single(c => c.Compartment == 2).BalanceCents);
        }

        // Benoît and Lucas share Amélie and Pierre, Chloé has Marc: one mail per guardian and pupil, five in all.
        foreach (var (address, child) in new[] { ("amelie.lefevre", "Benoît"), ("amelie.lefevre", "Lucas"), ("pierre.lefevre", "Benoît"),
                     ("pierre.lefevre", "Lucas"), ("marc.dubois", "Chloé") })
        {
            var mail = await web.Mail.WaitForAsync(m => m.To.ToString().Contains(address) && m.Subject!.Contains(child) && m.TextBody!.Contains(label));
            Assert.Contains("Raison : Grève", mail.TextBody);
            Assert.Contains("3,90", mail.TextBody);
        }
        Assert.Equal(5L, await OutboxCountAsync(label));

        // A second click (a replayed form): nothing more is refunded, nobody is told again.
        var again = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/fermer", ("Reason", "Holiday"), ("Confirmed", "1"));
        Assert.Contains("0 réservation(s) remboursée(s)", again);
        Assert.Equal(5L, await OutboxCountAsync(label));
        foreach (var booking in bookings)
        {
            Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE idempotency_key = @k", ("k", booking.RefundKey)));
        }
        Assert.Equal(ClosureReason.Strike, (await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Closed);

        // The report names the refunds and why.
        var report = WebUtility.HtmlDecode(await claire.GetStringAsync($"{Week}/rapport?semaine={Key(day)}"));
        Assert.Contains("Réservations remboursées : 3", report);
        Assert.Contains("Jour fermé par l'école", report);
        Assert.Contains("Chloé Dubois (4B)", report);

        var reopened = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/rouvrir");
        Assert.Contains("Le jour est rouvert aux réservations.", reopened);
        Assert.Null((await Menus.DaysAsync(DemoSchool.Id, day, 1))[0].Closed);
        Assert.True((await Grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking(Guid.NewGuid().ToString(), pupils[2], "LASAGNE", Marc))).Booked);
    }

    Task<long> OutboxCountAsync(string text) =>
        ScalarAsync<long>("SELECT count(*) FROM mail_outbox WHERE text_body LIKE @t", ("t", $"%{text}%"));

    [Fact]
    public async Task An_article_with_bookings_is_withdrawn_not_removed_and_its_bookings_refunded_with_a_mail()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(6);
        const string label = "Croque retiré du menu";
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, day, [new MealArticle("CROQUE", label, 250, 2, Allergens.None, null),
            new MealArticle("SOUPE", "Soupe qui reste", 100, 2, Allergens.None, null)]));
        var chloe = await FundedPupilAsync("Chloé");
        var booking = await BookAsync(day, chloe, "CROQUE");

        var week = WebUtility.HtmlDecode(await claire.GetStringAsync(WeekOf(day)));
        Assert.Contains($"action=\"gestion/repas/jour/{Key(day)}/articles/CROQUE/retirer\"", week);
        Assert.DoesNotContain($"action=\"gestion/repas/jour/{Key(day)}/articles/CROQUE/supprimer\"", week);
        var refused = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles/CROQUE/supprimer");
        Assert.Contains("Cet article a des réservations : il ne peut pas être supprimé", refused);
        Assert.Equal(2, (await ArticlesAsync(day)).Count);

        var withdrawn = await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles/CROQUE/retirer");
        Assert.Contains("L'article est retiré ; 1 réservation(s) remboursée(s).", withdrawn);
        Assert.True((await ArticlesAsync(day)).Single(a => a.Article.Code == "CROQUE").Withdrawn);
        Assert.Equal(BookingStatus.Refunded, (await Grains.Day(DemoSchool.Id, day).GetBookingsAsync()).Single(b => b.Id == booking.Id).Status);
        var mail = await web.Mail.WaitForAsync(m => m.To.ToString().Contains("marc.dubois") && m.TextBody!.Contains(label));
        Assert.Contains("Article retiré du menu", mail.TextBody);

        await PostPageAsync(claire, day, $"{Week}/jour/{Key(day)}/articles/CROQUE/retirer");
        Assert.Equal(1L, await OutboxCountAsync(label));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE idempotency_key = @k", ("k", booking.RefundKey)));
    }

    [Fact]
    public async Task A_week_is_copied_from_the_previous_one_or_a_chosen_earlier_one_onto_its_empty_days()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var source = SchoolDay(0).AddDays(21);
        var sourceMonday = source.AddDays(-(((int)source.DayOfWeek + 6) % 7));
        var target = sourceMonday.AddDays(7);
        var later = sourceMonday.AddDays(21);
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, sourceMonday, [new MealArticle("COPIE", "Plat copié", 420, 2, Allergens.Eggs, 30)]));
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, sourceMonday.AddDays(2), [new MealArticle("COPIE", "Plat du mercredi", 420, 2, Allergens.None, null)]));

        var copied = await PostPageAsync(claire, target, $"{Week}/copier", ("To", Key(target)), ("From", Key(target.AddDays(-7))));
        Assert.Contains("2 article(s) copié(s).", copied);
        Assert.Equal(new MealArticle("COPIE", "Plat copié", 420, 2, Allergens.Eggs, 30), Assert.Single(await ArticlesAsync(target)).Article);

        var chosen = await PostPageAsync(claire, later, $"{Week}/copier", ("To", Key(later)), ("From", Key(sourceMonday.AddDays(3))));
        Assert.Contains("2 article(s) copié(s).", chosen);
        Assert.Equal("Plat du mercredi", Assert.Single(await ArticlesAsync(later.AddDays(2))).Article.Label);

        var refused = await PostPageAsync(claire, later, $"{Week}/copier", ("To", Key(later)), ("From", Key(later.AddDays(7))));
        Assert.Contains("Choisissez une semaine antérieure à celle-ci.", refused);
        var notADate = await PostPageAsync(claire, later, $"{Week}/copier", ("To", Key(later)), ("From", "hier"));
        Assert.Contains("Choisissez une semaine antérieure à celle-ci.", notADate);
    }

    async Task<string> UploadAsync(HttpClient client, byte[] file)
    {
        var token = Forms.AntiforgeryToken(await client.GetStringAsync($"{Week}/import"));
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(file), "fichier", "menus.csv" },
        };
        var response = await client.PostAsync($"{Week}/import", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_csv_with_bad_lines_lists_each_with_its_number_and_reason_and_imports_nothing()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(7);
        var past = SchoolTime.Today(TimeProvider.System).AddDays(-3);
        var csv = $"""
            jour;code;libelle;prix;compartiment;allergenes;capacite
            {Key(day)};BON;Plat valable;4,50;Repas;Gluten|7;50
            31/02/2027;DATE;Jour impossible;4,50;Repas;;
            {Key(day)};PRIX;Prix faux;quatre;Repas;;
            {Key(day)};COMPART;Compartiment inconnu;4,50;Cantine;;
            {Key(day)};ALLERG;Allergène inconnu;4,50;2;Chocolat|15;
            {Key(day)};CAPA;Capacité fausse;4,50;2;;0
            {Key(day)};BON;Doublon;4,50;2;;
            {Key(past)};PASSE;Jour passé;4,50;2;;
            {Key(day)};COURT;4,50
            """;
        var page = await UploadAsync(claire, Encoding.UTF8.GetBytes(csv));

        Assert.Contains("rien n'est importé", page);
        Assert.Matches("<tr data-line=\"3\">\\s*<td data-label=\"Ligne\">3</td>\\s*<td data-label=\"Erreur\">Le jour « 31/02/2027 » n'est pas une date", page);
        Assert.Contains("Le prix « quatre » n'est pas un montant positif", page);
        Assert.Contains("<tr data-line=\"5\">", page);
        Assert.Contains("Le compartiment « Cantine » n'existe pas", page);
        Assert.Contains("« Chocolat » n'est pas un des 14 allergènes", page);
        Assert.Contains("« 15 » n'est pas un des 14 allergènes", page);
        Assert.Contains("Les portions « 0 » ne conviennent pas", page);
        Assert.Contains($"L'article BON du {day:dd/MM/yyyy} est déjà à la ligne 2.", page);
        Assert.Contains($"Le {past:dd/MM/yyyy} est passé.", page);
        Assert.Contains("La ligne compte 3 colonne(s)", page);
        Assert.DoesNotContain("<tr data-line=\"2\">", page);
        Assert.Empty(await ArticlesAsync(day));

        // Confirming the same text (a forged confirmation) writes nothing either.
        var confirm = await Forms.PostAsync(claire, $"{Week}/import", $"{Week}/import/confirmer", ("Content", csv));
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Empty(await ArticlesAsync(day));
        Assert.Contains("Aucune ligne", (await UploadAsync(claire, Encoding.UTF8.GetBytes("jour;code;libelle;prix;compartiment\n"))).Replace("Le fichier ne contient aucune ligne", "Aucune ligne"));
    }

    [Fact]
    public async Task A_valid_csv_with_a_byte_order_mark_and_commas_is_previewed_then_imported_whole()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var (first, second) = (SchoolDay(8), SchoolDay(9));
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, first, [new MealArticle("RESTE", "Article déjà là", 200, 2, Allergens.None, null),
            new MealArticle("CHAUD", "Ancien libellé", 400, 2, Allergens.None, null)]));
        var csv = $"""
            {first:dd/MM/yyyy},chaud,"Poulet, riz",4.60,Repas,Céleri|oeufs,
            {Key(second)},POTAGE,Potage,"1,20",2,,25
            """;
        var page = await UploadAsync(claire, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)]);
        Assert.Contains("2 article(s). Rien n'est enregistré avant votre confirmation.", page);
        Assert.Contains("Remplace", page);
        Assert.Equal("Ancien libellé", (await ArticlesAsync(first)).Single(a => a.Article.Code == "CHAUD").Article.Label);

        var done = await Forms.PostAsync(claire, $"{Week}/import", $"{Week}/import/confirmer", ("Content", csv));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("2 article(s) importé(s) sur 2 jour(s).", WebUtility.HtmlDecode(await claire.GetStringAsync(done.Headers.Location!.ToString())));
        Assert.Equal(new MealArticle("CHAUD", "Poulet, riz", 460, 2, Allergens.Celery | Allergens.Eggs, null),
            (await ArticlesAsync(first)).Single(a => a.Article.Code == "CHAUD").Article);
        Assert.Contains(await ArticlesAsync(first), a => a.Article.Code == "RESTE");
        Assert.Equal(new MealArticle("POTAGE", "Potage", 120, 2, Allergens.None, 25), Assert.Single(await ArticlesAsync(second)).Article);
    }

    [Fact]
    public async Task The_example_file_downloads_and_imports_as_it_is()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var example = await claire.GetAsync($"{Week}/import/exemple.csv");
        Assert.Equal("text/csv", example.Content.Headers.ContentType!.MediaType);
        var bytes = await example.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var page = await UploadAsync(claire, bytes);
        Assert.Contains("4 article(s). Rien n'est enregistré", page);
        Assert.Contains("Gluten, Lait, Céleri", page);
    }

    [Fact]
    public async Task The_rules_are_saved_field_by_field_checked_and_a_class_gets_its_own_price()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        const string rules = $"{Week}/regles";
        try
        {
            var bad = await Forms.PostAsync(claire, rules, rules, ("HorizonDays", "0"), ("CutOffTime", "25:00"), ("CutOffSchoolDays", "21"), ("Class", "9Z"));
            var page = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            Assert.Contains("data-field=\"HorizonDays\">Un nombre entier de jours, de 1 à 366.", page);
            Assert.Contains("data-field=\"CutOffTime\">Une heure comme 09:00.", page);
            Assert.Contains("data-field=\"CutOffSchoolDays\">Un nombre entier de jours d'école, de 0 à 20.", page);
            Assert.Contains("data-field=\"Class\">Une classe cochée n'existe pas dans l'école.", page);
            Assert.Equal(150, (await Menus.LoadRulesAsync(DemoSchool.Id))!.HorizonDays);
            var oneBad = WebUtility.HtmlDecode(await (await Forms.PostAsync(claire, rules, rules, ("HorizonDays", "abc"), ("CutOffTime", "14:00"),
                ("CutOffSchoolDays", "2"))).Content.ReadAsStringAsync());
            Assert.Contains("data-field=\"HorizonDays\"", oneBad);
            Assert.DoesNotContain("data-field=\"CutOffTime\"", oneBad);
            Assert.Contains("value=\"14:00\"", oneBad);

            var saved = await Forms.PostAsync(claire, rules, rules, ("HorizonDays", "14"), ("CutOffTime", "14:00"), ("CutOffSchoolDays", "2"),
                ("Class", "4B"), ("Class", "6A"));
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
            var stored = await Menus.LoadRulesAsync(DemoSchool.Id);
            Assert.Equal((14, new TimeOnly(14, 0), 2), (stored!.HorizonDays, stored.CutOffTime, stored.CutOffSchoolDays));
            Assert.Equal(["4B", "6A"], stored.AllowedClasses!.Order());
            page = WebUtility.HtmlDecode(await claire.GetStringAsync(saved.Headers.Location!.ToString()));
            Assert.Contains("Les règles sont enregistrées.", page);
            Assert.Contains("value=\"4B\" checked", page);

            // The report lists only the classes that may book.
            var report = WebUtility.HtmlDecode(await claire.GetStringAsync($"{Week}/rapport?semaine={Key(SchoolDay(15))}"));
            Assert.Contains("data-class=\"4B\"", report);
            Assert.DoesNotContain("data-class=\"1C\"", report);

            const string prices = $"{Week}/regles/prix";
            foreach (var (fields, field) in new[]
                     {
                         (new[] { ("ArticleCode", "CHAUD"), ("Price", "abc"), ("PriceClass", "4B") }, "Price"),
                         (new[] { ("ArticleCode", "CHAUD"), ("Price", "3,00") }, "PriceClass"),
                         (new[] { ("ArticleCode", "CHAUD"), ("Price", "3,00"), ("PriceClass", "9Z") }, "PriceClass"),
                         (new[] { ("ArticleCode", "pas un code"), ("Price", "3,00"), ("PriceClass", "4B") }, "ArticleCode"),
                     })
            {
                var refused = WebUtility.HtmlDecode(await (await Forms.PostAsync(claire, rules, prices, fields)).Content.ReadAsStringAsync());
                Assert.Contains($"data-field=\"{field}\"", refused);
            }
            Assert.DoesNotContain(await Menus.ClassPricesAsync(DemoSchool.Id), p => p.ArticleCode == "CHAUD");
            Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(claire, rules, prices, ("ArticleCode", "chaud"), ("Price", "3,10"), ("PriceClass", "1C"))).StatusCode);
            Assert.Contains(new ClassPrice("CHAUD", "1C", 310), await Menus.ClassPricesAsync(DemoSchool.Id));
            Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(claire, rules, prices, ("ArticleCode", "CHAUD"), ("Price", ""), ("PriceClass", "1C"))).StatusCode);
            Assert.DoesNotContain(await Menus.ClassPricesAsync(DemoSchool.Id), p => p.ArticleCode == "CHAUD");
        }
        finally
        {
            Assert.True(await Menus.SetRulesAsync(DemoSchool.Id, MealRules.Default with { HorizonDays = 150 }));
        }
    }

    [Fact]
    public async Task The_manager_declares_a_pupils_allergies_from_the_class_list()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var lucas = await DemoPupils.IdAsync(web, "Lucas");
        var list = WebUtility.HtmlDecode(await claire.GetStringAsync($"{Week}/allergies?classe=4B"));
        Assert.Contains($"data-pupil=\"{lucas}\"", list);
        Assert.DoesNotContain($"data-pupil=\"{await DemoPupils.IdAsync(web, "Benoît")}\"", list);

        var saved = await Forms.PostAsync(claire, $"{Week}/allergies", $"{Week}/allergies/{lucas}", ("classe", "4B"), ("Allergen", "Peanuts"), ("Allergen", "Nuts"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Contains("classe=4B", saved.Headers.Location!.ToString());
        Assert.Equal(Allergens.Peanuts | Allergens.Nuts, (await Menus.AllergiesAsync(DemoSchool.Id))[lucas]);
        Assert.Contains("Arachides, Fruits à coque", WebUtility.HtmlDecode(await claire.GetStringAsync(saved.Headers.Location.ToString())));

        var bad = await Forms.PostAsync(claire, $"{Week}/allergies", $"{Week}/allergies/{lucas}", ("Allergen", "Chocolate"));
        Assert.Contains("n'est pas l'un des 14 allergènes", WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(claire, $"{Week}/allergies", $"{Week}/allergies/{Guid.NewGuid()}", ("Allergen", "Milk"))).StatusCode);
        Assert.Equal(Allergens.Peanuts | Allergens.Nuts, (await Menus.AllergiesAsync(DemoSchool.Id))[lucas]);

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(claire, $"{Week}/allergies", $"{Week}/allergies/{lucas}")).StatusCode);
        Assert.False((await Menus.AllergiesAsync(DemoSchool.Id)).ContainsKey(lucas));
    }

    [Fact]
    public async Task The_report_lists_per_class_the_pupils_who_booked_nothing_that_week()
    {
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolDay(16);
        Assert.Null(await Menus.SetDayAsync(DemoSchool.Id, day, [new MealArticle("RAPPORT", "Plat du rapport", 300, 2, Allergens.None, null)]));
        await BookAsync(day, await FundedPupilAsync("Chloé"), "RAPPORT");

        var report = WebUtility.HtmlDecode(await claire.GetStringAsync($"{Week}/rapport?semaine={Key(day)}"));
        Assert.Contains("Élèves sans réservation cette semaine : 3", report);
        Assert.Contains("4B (1)", report);
        Assert.Contains("Lucas Lefèvre", report);
        Assert.DoesNotContain("Chloé Dubois", report);
        Assert.Contains("Aucune réservation remboursée cette semaine.", report);
    }
}