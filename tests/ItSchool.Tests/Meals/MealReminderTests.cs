using System.Net;
using System.Text.RegularExpressions;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using ItSchool.Web.Meals;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Meals;

public sealed partial class MealReminderTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Each_guardian_gets_one_mail_per_child_with_nothing_booked_in_the_day_before_the_cut_off()
    {
        // The week after next: the demo has its menus and nobody's meals yet. Its first day's cut-off is Monday 09:00.
        var today = SchoolTime.Today(web.Clock);
        var monday = today.AddDays(14 - ((int)today.DayOfWeek + 6) % 7);
        var week = SchoolTime.Date(monday);
        var cutOff = SchoolTime.Moment(monday, new TimeOnly(9, 0));
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var booked = await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, monday.AddDays(1))
            .BookAsync(new MealBooking("reminder-chloe", chloe, "REPAS", new Actor(ActorKind.User, "marc.dubois", "Marc Dubois")));
        Assert.True(booked.Booked, booked.Refusal?.ToString());

        var job = web.Services.GetRequiredService<MealReminderJob>();
        var otherNode = ActivatorUtilities.CreateInstance<MealReminderJob>(web.Services);
        web.Clock.Advance(cutOff - TimeSpan.FromHours(25) - web.Clock.GetUtcNow());
        await job.RunOnceAsync();
        Assert.Empty(await SentAsync(week));

        // Pierre opts out, signed in: Amélie alone hears about Benoît and Lucas; Chloé has a meal booked that week.
        var pierre = await SignedIn.AsAsync(web, "pierre.lefevre");
        var stop = await Forms.PostAsync(pierre, "/e/demo/repas/rappels", "/e/demo/repas/rappels", ("Receive", "non"));
        Assert.Equal(HttpStatusCode.Redirect, stop.StatusCode);
        Assert.Contains("vous ne recevez plus", (await pierre.GetStringAsync(stop.Headers.Location!.ToString())).ToLowerInvariant());

        web.Clock.Advance(TimeSpan.FromHours(2));
        await Task.WhenAll(job.RunOnceAsync(), otherNode.RunOnceAsync(), job.RunOnceAsync(), otherNode.RunOnceAsync());
        await job.RunOnceAsync();
        var expected = new[] { "Benoît", "Geneviève", "Lucas" }.Select(name => ("amelie.lefevre@example.be", $"Aucun repas réservé pour {name} la semaine du {week}"));
        Assert.Equal(expected.Order(), (await SentAsync(week)).Order());

        var mail = await web.Mail.WaitForAsync(m => m.Subject == $"Aucun repas réservé pour Lucas la semaine du {week}");
        Assert.Equal("amelie.lefevre@example.be", mail.To.Mailboxes.Single().Address);
        Assert.Contains(new Uri(web.BaseAddress, "/e/demo/repas").ToString(), mail.TextBody);
        Assert.Contains("/e/demo/repas\"", mail.HtmlBody);

        // Later in the window, and after the cut-off: nothing more.
        web.Clock.Advance(TimeSpan.FromHours(20));
        await job.RunOnceAsync();
        web.Clock.Advance(TimeSpan.FromHours(3));
        await job.RunOnceAsync();
        Assert.Equal(3, (await SentAsync(week)).Count);

        // The mail's link opts Amélie out without signing in, and back in.
        var link = WebUtility.HtmlDecode(OptOutLink().Match(mail.TextBody ?? "").Groups[1].Value);
        Assert.StartsWith(new Uri(web.BaseAddress, "/e/demo/repas/rappels?jeton=").ToString(), link);
        var anonymous = web.CreateClient();
        var off = await Forms.PostAsync(anonymous, link, "/e/demo/repas/rappels", ("Jeton", Jeton(link)), ("Receive", "non"));
        Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.True(await OptedOutAsync("amelie.lefevre"));
        Assert.Contains("Recevoir à nouveau", WebUtility.HtmlDecode(await anonymous.GetStringAsync(off.Headers.Location!.ToString())));
        var on = await Forms.PostAsync(anonymous, link, "/e/demo/repas/rappels", ("Jeton", Jeton(link)), ("Receive", "oui"));
        Assert.Equal(HttpStatusCode.Redirect, on.StatusCode);
        Assert.False(await OptedOutAsync("amelie.lefevre"));
        Assert.True(await OptedOutAsync("pierre.lefevre"));

        // A forged link changes nothing.
        var forged = link[..^3] + (link[^3] == 'A' ? "B" : "A") + link[^2..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(forged)).StatusCode);
    }

    static string Jeton(string link) => Uri.UnescapeDataString(link[(link.IndexOf("jeton=", StringComparison.Ordinal) + 6)..]);

    async Task<List<(string To, string Subject)>> SentAsync(string week)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT recipient_address, subject FROM mail_outbox WHERE subject LIKE '%semaine du ' || @week");
        command.Parameters.AddWithValue("week", week);
        await using var reader = await command.ExecuteReaderAsync();
        var sent = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            sent.Add((reader.GetString(0), reader.GetString(1)));
        }
        return sent;
    }

    async Task<bool> OptedOutAsync(string userName)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM meal_reminder_opt_outs o JOIN users u ON u.id = o.user_id WHERE u.user_name = @name)");
        command.Parameters.AddWithValue("name", userName);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"(http\S+/repas/rappels\?jeton=\S+)")]
    private static partial Regex OptOutLink();
}