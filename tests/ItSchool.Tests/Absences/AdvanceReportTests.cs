using System.Net;
using ItSchool.Absences;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using static ItSchool.Tests.Absences.AbsenceRig;
using static ItSchool.Tests.Meals.ParentMealRig;

namespace ItSchool.Tests.Absences;

/// <summary>
/// Parents report absences ahead, over HTTP on the demo school with meals on: the days become absences waiting for the
/// school, and the meals booked those days are cancelled and refunded, each once. Every test makes its own child.
/// </summary>
public sealed class AdvanceReportTests(WebNode web) : IClassFixture<WebNode>, IAsyncLifetime
{
    const string Report = "/e/demo/absences/signaler";

    public async Task InitializeAsync()
    {
        await MealsOnAsync(web);
        await SettingsAsync(web, 3);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static Task<HttpResponseMessage> ReportAsync(HttpClient parent, Guid key, DateOnly from, DateOnly to, string part = "day", string reason = "MALADIE") =>
        Forms.PostAsync(parent, Report, Report, ("Key", key.ToString()), ("From", $"{from:yyyy-MM-dd}"), ("To", $"{to:yyyy-MM-dd}"), ("Part", part),
            ("Reason", reason), ("Comment", "Varicelle"));

    async Task<MealBookingView> BookedAsync(Guid child, DateOnly day)
    {
        var booked = await web.Services.GetRequiredService<IGrainFactory>().Day(DemoSchool.Id, await MenuAsync(web, day))
            .BookAsync(new MealBooking(Guid.NewGuid().ToString(), child, "CHAUD", Meals.MealCluster.Parent));
        Assert.True(booked.Booked, $"{booked.Refusal}");
        return booked.Booking!;
    }

    [Fact]
    public async Task A_report_makes_its_school_days_absent_and_refunds_their_booked_meals_exactly_once()
    {
        var (child, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var (first, last) = (SchoolDay(web, 2), SchoolDay(web, 3));
        await BookedAsync(child, first);
        await BookedAsync(child, last);
        Assert.Equal(5_000 - 900, await MealBalanceAsync(web, child));
        var parent = await ParentAsync(web, "marc.dubois", child);
        Assert.Contains("Les repas réservés pour ces journées entières sont annulés et remboursés", await TextAsync(parent, Report));

        var key = Guid.NewGuid();
        var reported = await ReportAsync(parent, key, first, last);
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        var page = await TextAsync(parent, reported.Headers.Location!.OriginalString);
        Assert.Contains("Absence signalée : 2 jour(s) d'école ; 2 repas annulé(s) et remboursé(s) sur le portefeuille.", page);
        Assert.Contains("signalée à l'avance", page);
        Assert.Contains("Justification envoyée (Maladie) : en attente de l'école", page);
        Assert.Equal(5_000, await MealBalanceAsync(web, child));
        Assert.Empty(await HeldAsync(web, first, child));
        Assert.Empty(await HeldAsync(web, last, child));
        Assert.Equal(2, await CountAsync(web, "SELECT count(*) FROM absences WHERE pupil_id = @p AND source = 'report' AND part = 'day'", child));
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM absences WHERE pupil_id = @p AND released_meals_at IS NULL", child));
        var movements = await LedgerCountAsync(web, child);

        // The same report again (a double click, a retry), then the job's pass: nothing moves twice.
        var again = await ReportAsync(parent, key, first, last);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(0, await web.Services.GetRequiredService<AbsenceMealRelease>().ReleaseAsync(web.Clock.GetUtcNow()));
        Assert.Equal(5_000, await MealBalanceAsync(web, child));
        Assert.Equal(movements, await LedgerCountAsync(web, child));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        Assert.Equal(2, await CountAsync(web, "SELECT count(*) FROM meal_bookings WHERE pupil_id = @p AND status = 'refunded' AND refund_reason = 'pupil_absent'", child));

        var review = await TextAsync(await SignedIn.AsAsync(web, "claire.dupont"), "/e/demo/gestion/absences/justificatifs");
        Assert.Contains("signalée à l'avance", review);
        Assert.Contains("Varicelle", review);
    }

    [Fact]
    public async Task Two_guardians_reporting_the_same_days_at_once_write_one_report_and_refund_once()
    {
        var (child, _) = await ChildAsync(web, 5_000, "amelie.lefevre", "pierre.lefevre");
        var day = SchoolDay(web, 4);
        await BookedAsync(child, day);
        var (amelie, pierre) = (await ParentAsync(web, "amelie.lefevre", child), await ParentAsync(web, "pierre.lefevre", child));

        var both = await Task.WhenAll(ReportAsync(amelie, Guid.NewGuid(), day, day), ReportAsync(pierre, Guid.NewGuid(), day, day));
        Assert.Single(both, r => r.StatusCode == HttpStatusCode.Redirect);
        var refused = both.Single(r => r.StatusCode != HttpStatusCode.Redirect);
        Assert.Contains("L'enfant est déjà noté absent ces jours-là : rien n'a changé.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absences WHERE pupil_id = @p", child));
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        Assert.Equal(5_000, await MealBalanceAsync(web, child));
    }

    [Fact]
    public async Task After_the_cut_off_a_report_releases_the_meal_only_where_the_school_allows_it()
    {
        var (kept, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var (released, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = SchoolDay(web, 5);
        await BookedAsync(kept, day);
        await BookedAsync(released, day);
        web.Clock.Advance(SchoolTime.Moment(day, new TimeOnly(9, 30)) - web.Clock.GetUtcNow());

        var first = await ReportAsync(await ParentAsync(web, "marc.dubois", kept), Guid.NewGuid(), day, day);
        Assert.Contains("Absence signalée : 1 jour(s) d'école.", await TextAsync(await ParentAsync(web, "marc.dubois", kept), first.Headers.Location!.OriginalString));
        Assert.Equal(5_000 - 450, await MealBalanceAsync(web, kept));
        Assert.Single(await HeldAsync(web, day, kept));

        await SettingsAsync(web, 3, releaseAfterCutOff: true);
        try
        {
            var parent = await ParentAsync(web, "marc.dubois", released);
            Assert.Contains("même après l'heure limite", await TextAsync(parent, Report));
            Assert.Equal(HttpStatusCode.Redirect, (await ReportAsync(parent, Guid.NewGuid(), day, day)).StatusCode);
            Assert.Equal(5_000, await MealBalanceAsync(web, released));
            // The first report was answered under the rule of its moment: the job does not release it afterwards.
            Assert.Equal(0, await web.Services.GetRequiredService<AbsenceMealRelease>().ReleaseAsync(web.Clock.GetUtcNow()));
            Assert.Equal(5_000 - 450, await MealBalanceAsync(web, kept));
        }
        finally
        {
            await SettingsAsync(web, 3);
        }
    }

    [Fact]
    public async Task A_half_day_report_keeps_the_meal()
    {
        var (child, _) = await ChildAsync(web, 5_000, "marc.dubois");
        var day = SchoolDay(web, 6);
        await BookedAsync(child, day);
        var reported = await ReportAsync(await ParentAsync(web, "marc.dubois", child), Guid.NewGuid(), day, day, "morning");
        Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
        Assert.Equal(1, await CountAsync(web, "SELECT count(*) FROM absences WHERE pupil_id = @p AND part = 'morning' AND released_meals_at IS NOT NULL", child));
        Assert.Equal(5_000 - 450, await MealBalanceAsync(web, child));
    }

    [Fact]
    public async Task Bad_reports_are_refused_with_a_reason_and_write_nothing()
    {
        var (child, _) = await ChildAsync(web, 0, "marc.dubois");
        var parent = await ParentAsync(web, "marc.dubois", child);
        var today = SchoolTime.Today(web.Clock);
        var saturday = today.AddDays(((int)DayOfWeek.Saturday - (int)today.DayOfWeek + 7) % 7 + 7);

        static async Task RefusedAsync(Task<HttpResponseMessage> post, string said)
        {
            var response = await post;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(said, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), today.AddDays(-1), today), "Le premier jour est passé");
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), today.AddDays(3), today.AddDays(2)), "Le dernier jour est avant le premier.");
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), today.AddDays(1), today.AddDays(2), "afternoon"), "Une matinée ou un après-midi se signale pour un seul jour");
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), saturday, saturday.AddDays(1)), "Ces jours ne sont que des samedis et dimanches");
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), today.AddDays(1), today.AddDays(40)), "dure 31 jours au plus");
        await RefusedAsync(ReportAsync(parent, Guid.NewGuid(), today.AddDays(1), today.AddDays(1), reason: "VACANCES"), "Choisissez un motif de la liste de l'école : rien n'a été signalé.");
        await RefusedAsync(Forms.PostAsync(parent, Report, Report, ("Key", Guid.NewGuid().ToString()), ("From", "demain"), ("Reason", "MALADIE")),
            "Indiquez le premier jour de l'absence");
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM absences WHERE pupil_id = @p", child));
        Assert.Equal(0, await CountAsync(web, "SELECT count(*) FROM absence_justifications WHERE pupil_id = @p", child));
        Assert.Equal(HttpStatusCode.BadRequest, (await Forms.PostAsync(parent, Report, Report, ("From", $"{today.AddDays(1):yyyy-MM-dd}"))).StatusCode);
    }
}