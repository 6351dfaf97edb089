using System.Net;
using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// Pierre and Amélie Lefèvre are both guardians of Lucas and Benoît: whoever books, moves or cancels — they,
/// or the school — each of them gets the mail once, at their own address; a guardian without an address none.
/// </summary>
public sealed class FamilyMailTests(WebNode web) : IClassFixture<WebNode>
{
    const string Pierre = "pierre.lefevre@example.be";
    const string Amelie = "amelie.lefevre@example.be";

    sealed record Queued(Guid Id, string To, string Subject, string Text, bool Sent);

    NpgsqlDataSource Db => web.Services.GetRequiredService<NpgsqlDataSource>();

    async Task<List<Queued>> OutboxAsync()
    {
        await using var command = Db.CreateCommand("SELECT id, recipient_address, subject, text_body, sent_at IS NOT NULL FROM mail_outbox WHERE school_id = @school");
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        await using var reader = await command.ExecuteReaderAsync();
        var mails = new List<Queued>();
        while (await reader.ReadAsync())
        {
            mails.Add(new Queued(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetBoolean(4)));
        }
        return mails;
    }

    /// <summary>The mails an action queued: it answers only once they are in the outbox.</summary>
    async Task<List<Queued>> MailsOfAsync(Func<Task<string>> act, string expected)
    {
        var before = (await OutboxAsync()).Select(m => m.Id).ToHashSet();
        Assert.Contains(expected, await act());
        var mails = (await OutboxAsync()).Where(m => !before.Contains(m.Id)).OrderBy(m => m.To).ToList();
        told.AddRange(mails);
        return mails;
    }

    readonly List<Queued> told = [];


    /// <summary>One mail to each guardian, with the same subject; the one who does not hold the appointment is told who does.</summary>
    static void OneEach(List<Queued> mails, string subject, string holder, string whose)
    {
        Assert.Equal([Amelie, Pierre], mails.Select(m => m.To));
        Assert.All(mails, m => Assert.Equal(subject, m.Subject));
        Assert.StartsWith("Bonjour Amélie,", mails[0].Text);
        Assert.StartsWith("Bonjour Pierre,", mails[1].Text);
        Assert.DoesNotContain("au nom de", mails.Single(m => m.To == holder).Text);
        Assert.Contains($"Rendez-vous pris au nom {whose}.", mails.Single(m => m.To != holder).Text);
    }

    async Task SetEmailAsync(string userName, string? email)
    {
        await using var command = Db.CreateCommand("UPDATE users SET email = @email WHERE school_id = @school AND user_name = @name");
        command.Parameters.AddWithValue("email", (object?)email ?? DBNull.Value);
        command.Parameters.AddWithValue("school", DemoSchool.Id);
        command.Parameters.AddWithValue("name", userName);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Both_guardians_get_each_mail_once_whoever_changes_the_appointment_and_one_without_an_address_none()
    {
        var evening = (await web.Services.GetRequiredService<MeetingEvenings>().ListAsync(DemoSchool.Id)).Single();
        var julien = evening.Teachers.Single(t => t.Name.StartsWith("Julien")).TeacherId;
        var sophie = evening.Teachers.Single(t => t.Name.StartsWith("Sophie")).TeacherId;
        using var pierre = await SignedIn.ParentOfAsync(web, "pierre.lefevre", "Lucas");
        using var claire = await SignedIn.AsAsync(web, "claire.dupont");
        var grid = $"/e/demo/reunions/{evening.Id}/enseignants/{julien}";
        var staffGrid = $"/e/demo/reunions/{evening.Id}/grilles/{sophie}";

        OneEach(await MailsOfAsync(() => Forms.HtmxPostAsync(pierre, grid, $"{grid}/reserver", ("Slot", "2")), "Rendez-vous réservé à 17:20"),
            "Rendez-vous confirmé avec Julien Peeters à 17:20", Pierre, "de Pierre Lefèvre");
        OneEach(await MailsOfAsync(() => Forms.HtmxPostAsync(pierre, grid, $"{grid}/deplacer", ("From", "2"), ("To", "4")), "Rendez-vous déplacé"),
            "Rendez-vous avec Julien Peeters déplacé à 17:40", Pierre, "de Pierre Lefèvre");
        OneEach(await MailsOfAsync(() => Forms.HtmxPostAsync(pierre, grid, $"{grid}/annuler", ("Slot", "4")), "annulé"),
            "Rendez-vous avec Julien Peeters à 17:40 annulé", Pierre, "de Pierre Lefèvre");

        // The school books for Amélie and Benoît, then cancels: the same two mails, Amélie's appointment this time.
        var amelieId = await UserIdAsync("amelie.lefevre");
        var benoit = await DemoPupils.IdAsync(web, "Benoît");
        OneEach(await MailsOfAsync(() => Forms.HtmxPostAsync(claire, staffGrid, $"{staffGrid}/reserver", ("Slot", "8"), ("Family", $"{amelieId}:{benoit}")),
            "réservé pour la famille"), "Rendez-vous confirmé avec Sophie Martin à 18:20", Amelie, "d'Amélie Lefèvre");
        var cancelled = await MailsOfAsync(() => Forms.HtmxPostAsync(claire, staffGrid, $"{staffGrid}/annuler", ("Slot", "8")), "annulé");
        OneEach(cancelled, "Rendez-vous avec Sophie Martin à 18:20 annulé", Amelie, "d'Amélie Lefèvre");
        Assert.All(cancelled, m => Assert.Contains("L'école a dû annuler", m.Text));

        // Without an address Amélie gets nothing; Pierre still gets his.
        await SetEmailAsync("amelie.lefevre", null);
        var alone = await MailsOfAsync(() => Forms.HtmxPostAsync(pierre, grid, $"{grid}/reserver", ("Slot", "6")), "Rendez-vous réservé à 18:00");
        Assert.Equal([Pierre], alone.Select(m => m.To));

        // The school deletes the evening: the appointment's cancellation reaches both once more.
        await SetEmailAsync("amelie.lefevre", Amelie);
        var deleted = await MailsOfAsync(async () =>
        {
            var response = await Forms.PostAsync(claire, $"/e/demo/gestion/reunions/{evening.Id}/supprimer", $"/e/demo/gestion/reunions/{evening.Id}/supprimer");
            return ((int)response.StatusCode).ToString();
        }, "302");
        OneEach(deleted, "Rendez-vous avec Julien Peeters à 18:00 annulé", Pierre, "de Pierre Lefèvre");

        // Once the outbox is delivered, each of those mails is in the guardian's mailbox once.
        await Eventually.TrueAsync(async () => (await OutboxAsync()).All(m => m.Sent), because: "The outbox was not delivered.");
        var received = web.Mail.Received.Select(m => (To: m.To.Mailboxes.Single().Address, Subject: m.Subject!)).ToList();
        Assert.All(told, m => Assert.Single(received, r => r == (m.To, m.Subject)));
    }

    async Task<Guid> UserIdAsync(string userName)
    {
        await using var command = Db.CreateCommand("SELECT id FROM users WHERE user_name = @name");
        command.Parameters.AddWithValue("name", userName);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}