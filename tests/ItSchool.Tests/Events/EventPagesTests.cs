using System.Net;
using ItSchool.Schools;
using ItSchool.Tests.Management;
using ItSchool.Tests.Rig;
using Npgsql;

namespace ItSchool.Tests.Events;

public sealed class EventPagesTests(WebNode web) : IClassFixture<WebNode>
{
    const string Admin = "/e/demo/gestion/evenements";

    [Fact]
    public async Task A_class_event_reaches_that_classs_families_only_and_a_pupils_event_that_pupil_only()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolTime.Today(web.Clock).AddDays(10);
        var created = await Forms.PostAsync(manager, Admin, Admin, ("Title", "Piscine des 1C"), ("From", $"{day:yyyy-MM-dd}"),
            ("Starts", "13:30"), ("Ends", "15:00"), ("Audience", "classes"), ("Class", "1C"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Admin, Admin, ("Title", "Rendez-vous logopède de Benoît"),
            ("From", $"{day:yyyy-MM-dd}"), ("Audience", "pupils"), ("Pupil", benoit.ToString()))).StatusCode);
        Assert.Contains("Piscine des 1C", await manager.GetStringAsync(Admin));

        // Geneviève is in 1C: her page and her card show the class's event; Chloé (4B) sees neither event.
        var genevieve = await SignedIn.ParentOfAsync(web, "amelie.lefevre", "Geneviève");
        Assert.Contains("Piscine des 1C", await genevieve.GetStringAsync("/e/demo/evenements"));
        Assert.Contains("Piscine des 1C", await genevieve.GetStringAsync("/e/demo/tableau-de-bord"));
        Assert.DoesNotContain("logopède", await genevieve.GetStringAsync("/e/demo/evenements"));
        var chloe = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var chloesPage = await chloe.GetStringAsync("/e/demo/evenements");
        Assert.DoesNotContain("Piscine des 1C", chloesPage);
        Assert.DoesNotContain("logopède", chloesPage);
        Assert.DoesNotContain("Piscine des 1C", await chloe.GetStringAsync("/e/demo/tableau-de-bord"));
        // The whole school's demo event is everyone's; the parents' evening opens the meetings page, an event without a link opens nothing.
        Assert.Contains("Location Chromebooks", chloesPage);
        Assert.Contains("<a class=\"button-like\" href=\"reunions\">", chloesPage);
        var chromebooks = System.Text.RegularExpressions.Regex.Match(chloesPage, "Location Chromebooks</span></h3>(.*?)</li>",
            System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(chromebooks.Success);
        Assert.DoesNotContain("<a", chromebooks.Groups[1].Value);

        // Benoît's own event: his guardian sees it in his account, not in his brother Lucas's.
        var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Benoît");
        Assert.Contains("logopède", await pierre.GetStringAsync("/e/demo/evenements"));
        var lucas = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        Assert.DoesNotContain("logopède", await lucas.GetStringAsync("/e/demo/evenements"));
    }

    [Fact]
    public async Task Another_familys_child_is_not_found_and_their_events_stay_hidden()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var day = SchoolTime.Today(web.Clock).AddDays(12);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Admin, Admin, ("Title", "Sortie au musée des 6A"),
            ("From", $"{day:yyyy-MM-dd}"), ("Audience", "classes"), ("Class", "6A"))).StatusCode);

        var marc = await SignedIn.ParentOfAsync(web, "marc.dubois", "Chloé");
        var switched = await Forms.PostAsync(marc, "/e/demo/comptes", $"/e/demo/comptes/{await DemoPupils.IdAsync(web, "Benoît")}");
        Assert.Equal(HttpStatusCode.NotFound, switched.StatusCode);
        Assert.DoesNotContain("Sortie au musée", await marc.GetStringAsync("/e/demo/evenements"));

        // Without a child open (or for staff) there is no family page to show.
        var manager404 = await manager.GetAsync("/e/demo/evenements");
        Assert.NotEqual(HttpStatusCode.OK, manager404.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await (await SignedIn.AsAsync(web, "amelie.lefevre")).GetAsync("/e/demo/evenements")).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_message_and_stores_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var before = await CountAsync();
        var day = SchoolTime.Today(web.Clock).AddDays(20);

        async Task RefusedAsync(string message, params (string, string)[] fields)
        {
            var response = await Forms.PostAsync(manager, Admin, Admin, fields);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains(message, html);
            // The form comes back as typed.
            Assert.Contains("role=\"alert\"", html);
            Assert.Equal(before, await CountAsync());
        }

        await RefusedAsync("La fin de l'évènement doit venir après son début.",
            ("Title", "Voyage"), ("From", $"{day:yyyy-MM-dd}"), ("To", $"{day.AddDays(-2):yyyy-MM-dd}"), ("Audience", "school"));
        await RefusedAsync("La fin de l'évènement doit venir après son début.",
            ("Title", "Concert"), ("From", $"{day:yyyy-MM-dd}"), ("Starts", "20:00"), ("Ends", "19:00"), ("Audience", "school"));
        await RefusedAsync("Donnez un titre à l'évènement.", ("Title", "   "), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "school"));
        await RefusedAsync("Indiquez la date de l'évènement.", ("Title", "Sans date"), ("From", "demain"), ("Audience", "school"));
        await RefusedAsync("Indiquez l'heure de début et l'heure de fin",
            ("Title", "Sans fin"), ("From", $"{day:yyyy-MM-dd}"), ("Starts", "09:00"), ("Audience", "school"));
        await RefusedAsync("Classe inconnue dans l'école : 9Z.",
            ("Title", "Classe fantôme"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "classes"), ("Class", "4B"), ("Class", "9Z"));
        await RefusedAsync("Cochez au moins une classe.", ("Title", "Aucune classe"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "classes"));
        await RefusedAsync("n'est pas (ou plus) un élève de l'école",
            ("Title", "Élève inconnu"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "pupils"), ("Pupil", Guid.NewGuid().ToString()));
        await RefusedAsync("Cette page n'est pas (ou plus) proposée par l'école",
            ("Title", "Lien forgé"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "school"), ("Link", $"meeting:{Guid.NewGuid()}"));
        await RefusedAsync("Cette page n'est pas (ou plus) proposée par l'école",
            ("Title", "Adresse"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "school"), ("Link", "https://example.com"));
        // A well-formed form goes through, to show the refusals above were about their own fields.
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, Admin, Admin, ("Title", "Voyage"), ("From", $"{day:yyyy-MM-dd}"),
            ("To", $"{day.AddDays(2):yyyy-MM-dd}"), ("Audience", "school"), ("Link", "meals"))).StatusCode);
        Assert.Equal(before + 1, await CountAsync());
    }

    [Fact]
    public async Task An_event_of_another_school_cannot_be_opened_changed_or_deleted()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var other = await TestSchools.CreateAsync(db);
        var theirs = Guid.NewGuid();
        await using (var insert = db.CreateCommand("""
            INSERT INTO school_events (id, school_id, title, body, all_day, starts_at, ends_at, audience, created_at, updated_at)
            VALUES (@id, @school, 'Leur fête', '', true, now(), now() + interval '1 day', 'school', now(), now())
            """))
        {
            insert.Parameters.AddWithValue("id", theirs);
            insert.Parameters.AddWithValue("school", other);
            await insert.ExecuteNonQueryAsync();
        }
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{theirs}/modifier")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{theirs}/supprimer")).StatusCode);
        var day = SchoolTime.Today(web.Clock).AddDays(3);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, Admin, $"{Admin}/{theirs}/modifier",
            ("Title", "Détournée"), ("From", $"{day:yyyy-MM-dd}"), ("Audience", "school"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Forms.PostAsync(manager, Admin, $"{Admin}/{theirs}/supprimer")).StatusCode);
        await using var check = db.CreateCommand("SELECT title FROM school_events WHERE id = @id");
        check.Parameters.AddWithValue("id", theirs);
        Assert.Equal("Leur fête", await check.ExecuteScalarAsync());

        // A parent cannot reach the school's pages at all.
        var parent = await SignedIn.AsAsync(web, "marc.dubois");
        Assert.NotEqual(HttpStatusCode.OK, (await parent.GetAsync(Admin)).StatusCode);
    }

    [Fact]
    public async Task The_manager_changes_and_deletes_an_event_in_brussels_time()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var created = await Forms.PostAsync(manager, Admin, Admin, ("Title", "Heure d'été"), ("From", "2027-03-28"), ("Starts", "01:30"),
            ("Ends", "03:30"), ("Audience", "school"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = await IdAsync("Heure d'été");
        // 01:30 is before the spring change (UTC+1), 03:30 after it (UTC+2): one hour apart in UTC, not two.
        var (starts, ends) = await MomentsAsync(id);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 0, 30, 0, TimeSpan.Zero), starts);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), ends);
        var edit = WebUtility.HtmlDecode(await manager.GetStringAsync($"{Admin}/{id}/modifier"));
        Assert.Contains("value=\"01:30\"", edit);
        Assert.Contains("value=\"03:30\"", edit);

        var changed = await Forms.PostAsync(manager, $"{Admin}/{id}/modifier", $"{Admin}/{id}/modifier", ("Title", "Heure d'été"),
            ("From", "2027-03-29"), ("Starts", "10:00"), ("Ends", "11:00"), ("Audience", "school"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), (await MomentsAsync(id)).Starts);

        var refused = await Forms.PostAsync(manager, $"{Admin}/{id}/modifier", $"{Admin}/{id}/modifier", ("Title", "Heure d'été"),
            ("From", "2027-03-29"), ("Starts", "12:00"), ("Ends", "11:00"), ("Audience", "school"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), (await MomentsAsync(id)).Starts);

        Assert.Equal(HttpStatusCode.Redirect, (await Forms.PostAsync(manager, $"{Admin}/{id}/supprimer", $"{Admin}/{id}/supprimer")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"{Admin}/{id}/modifier")).StatusCode);
    }

    async Task<long> CountAsync()
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        return await TestSchools.CountAsync(db, "school_events", DemoSchool.Id);
    }

    async Task<Guid> IdAsync(string title)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT id FROM school_events WHERE title = @title");
        command.Parameters.AddWithValue("title", title);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    async Task<(DateTimeOffset Starts, DateTimeOffset Ends)> MomentsAsync(Guid id)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT starts_at, ends_at FROM school_events WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<DateTimeOffset>(1));
    }
}