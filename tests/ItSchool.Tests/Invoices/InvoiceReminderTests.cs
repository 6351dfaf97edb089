using System.Net;
using ItSchool.Invoices;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Invoices;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ItSchool.Tests.Invoices;

public sealed class InvoiceReminderTests(WebNode web) : IClassFixture<WebNode>
{
    [Fact]
    public async Task Guardians_get_one_mail_per_reminder_step_however_often_the_job_runs()
    {
        var chloe = await DemoPupils.IdAsync(web, "Chloé");
        var today = InvoiceStates.Today(web.Clock);
        var invoice = web.Services.GetRequiredService<IGrainFactory>().GetGrain<IInvoiceGrain>(Guid.CreateVersion7());
        var view = (await invoice.IssueAsync(InvoiceCluster.Trip(chloe) with { IssuedOn = today.AddDays(-30), DueOn = today.AddDays(-8) })).Invoice!;
        var job = web.Services.GetRequiredService<OverdueReminderJob>();

        await Task.WhenAll(job.RunOnceAsync(), job.RunOnceAsync(), job.RunOnceAsync());
        var first = await web.Mail.WaitForAsync(m => m.Subject?.Contains(view.Number) == true);
        Assert.Equal("marc.dubois@example.be", first.To.Mailboxes.Single().Address);
        Assert.Contains(view.Communication.ToString(), first.TextBody);
        Assert.Contains("60,00", first.TextBody);
        await job.RunOnceAsync();
        Assert.Equal(1, await MailsAboutAsync(view.Number));

        web.Clock.Advance(TimeSpan.FromDays(14));
        await job.RunOnceAsync();
        await job.RunOnceAsync();
        Assert.Equal(2, await MailsAboutAsync(view.Number));
        var steps = await StepsAsync(view.Id);
        Assert.Equal(new[] { 7, 21 }, steps);

        // Paid: no reminder is ever due again.
        await invoice.PayByTransferAsync(new InvoiceTransfer("REMINDER-PAID", 6_000, today, null));
        web.Clock.Advance(TimeSpan.FromDays(60));
        await SaveDaysAsync("7, 21, 60");
        await job.RunOnceAsync();
        Assert.Equal(2, await MailsAboutAsync(view.Number));
    }

    [Fact]
    public async Task Bad_reminder_days_get_a_clear_message_and_change_nothing()
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        var before = await new OverdueReminders(db).LoadDaysAsync(DemoSchool.Id);

        var response = await Forms.PostAsync(manager, "/e/demo/gestion/factures/reglages", "/e/demo/gestion/factures/reglages",
            ("BankTransfer", "true"), ("ReminderDays", "7, demain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Indiquez des nombres de jours", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(before, await new OverdueReminders(db).LoadDaysAsync(DemoSchool.Id));
    }

    async Task SaveDaysAsync(string days)
    {
        var manager = await SignedIn.AsAsync(web, "claire.dupont");
        var response = await Forms.PostAsync(manager, "/e/demo/gestion/factures/reglages", "/e/demo/gestion/factures/reglages",
            ("BankTransfer", "true"), ("Online", "true"), ("Wallet", "true"), ("PartialWallet", "true"), ("Overpayment", "wallet"), ("ReminderDays", days));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    async Task<long> MailsAboutAsync(string number)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT count(*) FROM mail_outbox WHERE subject LIKE '%' || @number || '%'");
        command.Parameters.AddWithValue("number", number);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    async Task<int[]> StepsAsync(Guid invoiceId)
    {
        await using var db = NpgsqlDataSource.Create(web.ConnectionString);
        await using var command = db.CreateCommand("SELECT array_agg(step ORDER BY step) FROM invoice_reminders WHERE invoice_id = @id");
        command.Parameters.AddWithValue("id", invoiceId);
        return (int[])(await command.ExecuteScalarAsync())!;
    }
}