using ItSchool.Tests.Meals;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;
using static ItSchool.Tests.Absences.AbsenceRig;

namespace ItSchool.Tests.Absences;

/// <summary>The families' absences in a real browser: justifying from the dashboard with a certificate, the school accepting, and a report ahead.</summary>
public sealed class FamilyAbsenceBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>, IAsyncLifetime
{
    public Task InitializeAsync() => SettingsAsync(web, 10);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_parent_justifies_from_the_dashboard_with_a_certificate_and_the_school_accepts()
    {
        var (child, name) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        var absence = await AbsentAsync(web, child, WeekdayBefore(web, 2), "day");
        await AbsentAsync(web, child, WeekdayBefore(web, 1), "morning");

        var parent = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        var card = parent.Locator(".absence-card");
        await Assertions.Expect(card.GetByRole(AriaRole.Heading, new() { Name = "Absences à justifier" })).ToBeVisibleAsync();
        await Assertions.Expect(card.Locator("li")).ToHaveCountAsync(2);
        await Screens.SaveAsync(parent, "absences-dashboard-card");
        await card.Locator($"li[data-absence='{absence}']").GetByRole(AriaRole.Link, new() { Name = "Justifier" }).ClickAsync();

        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Justifier une absence", Level = 1 })).ToBeVisibleAsync();
        var boxes = parent.Locator(".justify-absences input[type=checkbox]");
        await Assertions.Expect(boxes).ToHaveCountAsync(2);
        await Assertions.Expect(parent.Locator($"input[value='{absence}']")).ToBeCheckedAsync();
        await boxes.Nth(1).CheckAsync();
        await parent.GetByLabel("Motif").SelectOptionAsync("MALADIE");
        await parent.GetByLabel("Commentaire (facultatif)").FillAsync("Gastro-entérite, certificat du Dr Janssens.");
        await parent.Locator("input[name=Scan]").SetInputFilesAsync(new FilePayload { Name = "certificat.pdf", MimeType = "application/pdf", Buffer = Pdf });
        await Screens.SaveAsync(parent, "absences-justify");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Envoyer la justification" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Status)).ToContainTextAsync("Justification envoyée : l'école vous répondra ici.");
        await Assertions.Expect(parent.Locator(".absence-list li.pending")).ToHaveCountAsync(2);
        await Screens.SaveAsync(parent, "absences-parent-pending");

        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Absences", Exact = true }).ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Justificatifs", Exact = true }).ClickAsync();
        var justification = manager.Locator(".justification.pending").Filter(new() { HasText = name });
        await Assertions.Expect(justification).ToContainTextAsync("Gastro-entérite, certificat du Dr Janssens.");
        await Assertions.Expect(justification.GetByRole(AriaRole.Link, new() { Name = "Voir le justificatif : certificat.pdf" })).ToBeVisibleAsync();
        await Screens.SaveAsync(manager, "absences-review");
        await justification.GetByRole(AriaRole.Button, new() { Name = "Accepter" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Justification acceptée");

        await parent.ReloadAsync();
        await Assertions.Expect(parent.Locator(".absence-list li.justified")).ToHaveCountAsync(2);
        await Assertions.Expect(parent.Locator(".absence-list li.justified").First).ToContainTextAsync("Maladie");
        await parent.GotoAsync(new Uri(web.DemoSchool, "tableau-de-bord").ToString());
        await Assertions.Expect(parent.Locator(".absence-card")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_parent_reports_an_absence_ahead_and_the_school_sees_it_to_review()
    {
        var (_, name) = await ParentMealRig.ChildAsync(web, 0, "marc.dubois");
        var day = ParentMealRig.SchoolDay(web, 3);
        var parent = await chromium.SignInToDashboardAsync(web, "marc.dubois", name);
        await parent.GotoAsync(new Uri(web.DemoSchool, "absences").ToString());
        await parent.GetByRole(AriaRole.Link, new() { Name = "Signaler une absence" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Heading, new() { Name = "Signaler une absence à l'avance", Level = 1 })).ToBeVisibleAsync();
        await parent.GetByLabel("Premier jour").FillAsync($"{day:yyyy-MM-dd}");
        await parent.GetByLabel("Dernier jour (inclus)").FillAsync($"{day:yyyy-MM-dd}");
        await parent.GetByLabel("Motif").SelectOptionAsync("FAMILLE");
        await parent.GetByLabel("Commentaire (facultatif)").FillAsync("Enterrement de sa grand-mère à Liège.");
        await Screens.SaveAsync(parent, "absences-report");
        await parent.GetByRole(AriaRole.Button, new() { Name = "Signaler l'absence" }).ClickAsync();
        await Assertions.Expect(parent.GetByRole(AriaRole.Status)).ToContainTextAsync("Absence signalée : 1 jour(s) d'école.");
        await Assertions.Expect(parent.Locator(".absence-list li").First).ToContainTextAsync("signalée à l'avance");
        await Screens.SaveAsync(parent, "absences-parent-reported");

        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GotoAsync(new Uri(web.DemoSchool, "gestion/absences/justificatifs").ToString());
        var report = manager.Locator(".justification.pending").Filter(new() { HasText = name });
        await Assertions.Expect(report).ToContainTextAsync("signalée à l'avance");
        await report.GetByLabel("Note pour la famille (obligatoire pour refuser)").FillAsync("Merci de nous avoir prévenus.");
        await report.GetByRole(AriaRole.Button, new() { Name = "Accepter" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Justification acceptée");
        await Assertions.Expect(manager.Locator(".justification.accepted").Filter(new() { HasText = name })).ToContainTextAsync("Merci de nous avoir prévenus.");
    }
}