using System.Net;
using ItSchool.Tests.Meals;
using ItSchool.Tests.Rig;
using static ItSchool.Tests.Absences.AbsenceRig;

namespace ItSchool.Tests.Absences;

/// <summary>
/// Families justify absences online and the school answers, over HTTP on the demo school: every test makes a child of its
/// own, so that none reads another's absences. The class has its own node, whose absence settings it sets.
/// </summary>
public sealed class JustificationTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    public Task InitializeAsync() => SettingsAsync(web, 30);

    public Task DisposeAsync() => Task.CompletedTask;

    async Task<(Guid Child, HttpClient Parent)> FamilyAsync()
    {
        var (child, _) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        return (child, await ParentMealRig.ParentAsync(web, "marc.dubois", child));
    }

    static Task<HttpResponseMessage> DecideAsync(HttpClient manager, Guid justification, string decision, string note) =>
        Forms.PostAsync(manager, "/e/demo/gestion/absences/justificatifs", $"/e/demo/gestion/absences/justificatifs/{justification}",
            ("Decision", decision), ("Note", note));

    async Task<Guid> JustificationOfAsync(Guid absence)
    {
        await using var query = Db(web).CreateCommand("SELECT justification_id FROM absences WHERE id = @p");
        query.Parameters.AddWithValue("p", absence);
        return (Guid)(await query.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_certificate_covers_two_absences_once_even_sent_twice_and_the_schools_acceptance_justifies_them()
    {
        var (child, parent) = await FamilyAsync();
        var (first, second) = (await AbsentAsync(web, child, WeekdayBefore(web, 3), "day"), await AbsentAsync(web, child, WeekdayBefore(web, 2), "day"));
        var page = await TextAsync(parent, "/e/demo/absences");
        Assert.Contains("Non justifiée : à justifier au plus tard le", page);
        Assert.Contains($"absences/justifier?Absence={first}", page);

        var key = Guid.NewGuid();
        var sent = await JustifyAsync(parent, key, "MALADIE", "Grippe, certificat joint.", ("certificat.pdf", Pdf), first, second);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains("Justification envoyée : l'école vous répondra ici.", await TextAsync(parent, sent.Headers.Location!.OriginalString));
        var again = await JustifyAsync(parent, key, "MALADIE", "Grippe, certificat joint.", ("certificat.pdf", Pdf), first, second);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        var justification = await JustificationOfAsync(first);
        Assert.Equal(justification, await JustificationOfAsync(second));
        page = await TextAsync(parent, "/e/demo/absences");
        Assert.Contains("Justification envoyée (Maladie) : en attente de l'école", page);
        Assert.Equal(Pdf, await parent.GetByteArrayAsync($"/e/demo/absences/justificatifs/{justification}"));

        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var review = await TextAsync(manager, "/e/demo/gestion/absences/justificatifs");
        Assert.Contains("Grippe, certificat joint.", review);
        Assert.Contains("Voir le justificatif : certificat.pdf", review);
        var scan = await manager.GetAsync($"/e/demo/gestion/absences/justificatifs/{justification}");
        Assert.Equal("application/pdf", scan.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", scan.Headers.GetValues("X-Content-Type-Options").Single());

        var accepted = await DecideAsync(manager, justification, "accept", "");
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("MALADIE", await ReasonAsync(web, first));
        Assert.Equal("MALADIE", await ReasonAsync(web, second));
        page = await TextAsync(parent, "/e/demo/absences");
        Assert.DoesNotContain("Non justifiée", page);
        Assert.DoesNotContain("en attente", page);

        // Answered already: a second answer (another manager's tab) changes nothing.
        var late = await DecideAsync(manager, justification, "refuse", "Trop tard");
        Assert.Contains("Cette justification a déjà reçu une réponse : rien n'a changé.", WebUtility.HtmlDecode(await late.Content.ReadAsStringAsync()));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p AND status = 'accepted'", child));
    }

    [Fact]
    public async Task A_refusal_needs_a_note_the_family_reads_and_the_family_may_justify_again()
    {
        var (child, parent) = await FamilyAsync();
        var absence = await AbsentAsync(web, child, WeekdayBefore(web, 4));
        Assert.Equal(HttpStatusCode.Redirect, (await JustifyAsync(parent, Guid.NewGuid(), "FAMILLE", "Mariage", null, absence)).StatusCode);
        var justification = await JustificationOfAsync(absence);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");

        var bare = await DecideAsync(manager, justification, "refuse", "  ");
        Assert.Contains("Pour refuser, écrivez une note qui dit pourquoi à la famille.", WebUtility.HtmlDecode(await bare.Content.ReadAsStringAsync()));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p AND status = 'pending'", child));

        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(manager, justification, "refuse", "Un mariage n'est pas un motif reconnu.")).StatusCode);
        Assert.Null(await ReasonAsync(web, absence));
        var page = await TextAsync(parent, "/e/demo/absences");
        Assert.Contains("Justification refusée : vous pouvez en envoyer une autre jusqu'au", page);
        Assert.Contains("Note de l'école : Un mariage n'est pas un motif reconnu.", page);
        Assert.Contains("Justifier à nouveau", page);

        Assert.Equal(HttpStatusCode.Redirect, (await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "Certificat", ("photo.png", Png), absence)).StatusCode);
        Assert.Equal(2, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        Assert.Contains("Justification envoyée (Maladie)", await TextAsync(parent, "/e/demo/absences"));
    }

    [Fact]
    public async Task Bad_justifications_are_refused_with_a_reason_and_write_nothing()
    {
        var (child, parent) = await FamilyAsync();
        var open = await AbsentAsync(web, child, WeekdayBefore(web, 5));
        var old = await AbsentAsync(web, child, SchoolDayLongAgo());
        var (other, _) = await ParentMealRig.ChildAsync(web, 0, "pierre.lefevre");
        var foreign = await AbsentAsync(web, other, WeekdayBefore(web, 5));

        static async Task<string> RefusedAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        }
        Assert.Contains("Choisissez un motif de la liste de l'école : rien n'a été envoyé.",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "VACANCES", "", null, open)));
        Assert.Contains("Le délai pour justifier en ligne est passé",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, old)));
        // One absence too old refuses the whole request, the open one with it.
        Assert.Contains("Le délai pour justifier en ligne est passé",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, open, old)));
        Assert.Contains("Le fichier doit être un PDF ou une photo JPEG ou PNG : rien n'a été envoyé.",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", ("certificat.pdf", "MZ\x90\0 not a pdf"u8.ToArray()), open)));
        Assert.Contains("Le fichier dépasse 5 Mo : rien n'a été envoyé.",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", ("scan.pdf", [.. Pdf, .. new byte[5 * 1024 * 1024]]), open)));
        Assert.Contains("Le commentaire est trop long",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", new string('x', 1001), null, open)));
        // Another family's child's absence, alone or beside one's own: not found, nothing written.
        Assert.Equal(HttpStatusCode.NotFound, (await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, open, foreign)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await parent.GetAsync($"/e/demo/absences/justifier?Absence={foreign}")).StatusCode);
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", other));

        // Waiting for the school: a second justification of the same absence is refused.
        Assert.Equal(HttpStatusCode.Redirect, (await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, open)).StatusCode);
        Assert.Contains("Une des absences cochées est déjà justifiée ou attend la réponse de l'école",
            await RefusedAsync(await JustifyAsync(parent, Guid.NewGuid(), "FAMILLE", "", null, open)));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));

        // A justification of another family is neither shown nor decided by a parent, nor found by another school's forged id.
        var justification = await JustificationOfAsync(open);
        var pierre = await ParentMealRig.ParentAsync(web, "pierre.lefevre", other);
        Assert.Equal(HttpStatusCode.NotFound, (await pierre.GetAsync($"/e/demo/absences/justificatifs/{justification}")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Redirect, (await Forms.PostAsync(parent, "/e/demo/absences/signaler", $"/e/demo/gestion/absences/justificatifs/{justification}",
            ("Decision", "accept"))).StatusCode);
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        Assert.Equal(HttpStatusCode.NotFound, (await DecideAsync(manager, Guid.NewGuid(), "accept", "")).StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p AND status = 'pending'", child));
    }

    [Fact]
    public async Task The_dashboard_lists_the_absences_still_to_justify_and_drops_them_once_sent()
    {
        var (child, parent) = await FamilyAsync();
        var absence = await AbsentAsync(web, child, WeekdayBefore(web, 1), "afternoon");
        var dashboard = await TextAsync(parent, "/e/demo/tableau-de-bord");
        Assert.Contains("Absences à justifier", dashboard);
        Assert.Contains($"absences/justifier?Absence={absence}", dashboard);

        Assert.Equal(HttpStatusCode.Redirect, (await JustifyAsync(parent, Guid.NewGuid(), "MALADIE", "", null, absence)).StatusCode);
        Assert.DoesNotContain("Absences à justifier", await TextAsync(parent, "/e/demo/tableau-de-bord"));
    }

    DateOnly SchoolDayLongAgo() => WeekdayBefore(web, 40);

    static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
}