using ItSchool.Notifications;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// The mails that had none before: a new invoice, a document sent, an order placed, an absence the family may justify; each
/// told once to each guardian (two passes at once included), routed by their preferences; an absence past its deadline never.
/// </summary>
public sealed class FamilyNewsTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Each_new_thing_is_told_once_to_each_guardian_as_their_preferences_say()
    {
        var now = web.Clock.GetUtcNow();
        var today = SchoolTime.Day(now);
        var (chloe, benoit, lucas, genevieve) = (await DemoPupils.IdAsync(web, "Chloé"), await DemoPupils.IdAsync(web, "Benoît"),
            await DemoPupils.IdAsync(web, "Lucas"), await DemoPupils.IdAsync(web, "Geneviève"));
        var pierre = await NotificationRig.UserAsync(web, "pierre.lefevre");
        await NotificationRig.UserAsync(web, "amelie.lefevre");
        await NotificationRig.SetAsync(web, pierre, NotificationRig.With(NotificationKind.NewDocument, EmailChoice.Off, push: false));
        var (form, document) = (Guid.NewGuid(), Guid.NewGuid());
        await ExecuteAsync("""
            INSERT INTO invoices (id, school_id, pupil_id, number, label, issued_on, due_on, total_cents, created_by, created_at)
            VALUES (gen_random_uuid(), @school, @chloe, 'T-NEWS-1', 'Classe verte', @today, @today + 14, 12500, 'test', @now);
            INSERT INTO documents (id, school_id, title, dated_on, file_name, content_type, size_bytes, audience, uploaded_by, uploaded_at)
            VALUES (@document, @school, 'Circulaire de rentrée', @today, 'circulaire.pdf', 'application/pdf', 10, 'pupils', 'test', @now);
            INSERT INTO document_pupils (document_id, pupil_id) VALUES (@document, @benoit), (@document, @lucas);
            INSERT INTO order_forms (id, school_id, kind, title, opens_on, closes_on, payment, compartment, created_by, created_at)
            VALUES (@form, @school, 'shop', 'T-shirts de l''école', @today, @today + 7, 'wallet', 1, 'test', @now);
            INSERT INTO orders (id, form_id, school_id, pupil_id, request_key, total_cents, payment, compartment, status, placed_by_kind, placed_at)
            VALUES (gen_random_uuid(), @form, @school, @chloe, 'news-test', 1500, 'wallet', 1, 'placed', 'parent', @now);
            INSERT INTO absences (id, school_id, pupil_id, day, part, source, recorded_by, recorded_at)
            VALUES (gen_random_uuid(), @school, @genevieve, @today, 'morning', 'register', 'test', @now),
                   (gen_random_uuid(), @school, @genevieve, @today - 30, 'afternoon', 'register', 'test', @now);
            """, ("school", DemoSchool.Id), ("chloe", chloe), ("benoit", benoit), ("lucas", lucas), ("genevieve", genevieve), ("today", today),
            ("now", now), ("form", form), ("document", document));

        var job = web.Services.GetRequiredService<FamilyNewsMails>();
        var passes = await Task.WhenAll(job.RunOnceAsync(), job.RunOnceAsync());
        Assert.Equal(5, passes.Sum());
        Assert.Equal(0, await job.RunOnceAsync());

        var invoice = await web.Mail.WaitForAsync(m => m.Subject == "Nouvelle facture pour Chloé : 125,00 €");
        Assert.Contains("L'école a émis la facture T-NEWS-1 — Classe verte pour Chloé, d'un montant de 125,00 €", invoice.TextBody);
        Assert.Equal("marc.dubois@example.be", invoice.To.Mailboxes.Single().Address);
        Assert.NotNull(invoice.Headers["List-Unsubscribe"]);
        var circular = await web.Mail.WaitForAsync(m => m.Subject == "Nouveau document : Circulaire de rentrée");
        Assert.Contains("pour Benoît, Lucas", circular.TextBody);
        Assert.Equal("amelie.lefevre@example.be", circular.To.Mailboxes.Single().Address);
        await web.Mail.WaitForAsync(m => m.Subject == "Commande enregistrée : T-shirts de l'école pour Chloé");
        var absence = await web.Mail.WaitForAsync(m => m.Subject == $"Absence à justifier : Geneviève, le {SchoolTime.Date(today)}");
        Assert.Contains($"Vous pouvez la justifier en ligne jusqu'au {SchoolTime.Date(today.AddDays(3))}", absence.TextBody);

        Assert.Equal(1, await CountAsync("Nouvelle facture pour Chloé : 125,00 €"));
        Assert.Equal(1, await CountAsync("Nouveau document : Circulaire de rentrée"));
        Assert.Equal(1, await CountAsync("Commande enregistrée : T-shirts de l'école pour Chloé"));
        Assert.Equal(1, await CountAsync($"Absence à justifier : Geneviève, le {SchoolTime.Date(today)}"));
        Assert.Equal(0, await CountAsync($"Absence à justifier : Geneviève, le {SchoolTime.Date(today.AddDays(-30))}"));
        Assert.Equal(1, await NotificationRig.CountAsync(web, "SELECT count(*) FROM push_queue WHERE title = 'Nouveau document : Circulaire de rentrée'"));
    }

    Task<long> CountAsync(string subject) =>
        NotificationRig.CountAsync(web, "SELECT count(*) FROM mail_outbox WHERE subject = @subject", ("subject", subject));

    async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = NotificationRig.Db(web).CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync();
    }
}