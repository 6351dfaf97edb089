using ItSchool.Notifications;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Notifications;

/// <summary>
/// A parent opens their notification preferences from the user menu, changes them and finds them kept; a refused form saves
/// nothing; the unsubscribe page of a mail, without signing in, asks once and then says what it did.
/// </summary>
public sealed class NotificationPreferencesBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_parent_changes_a_preference_and_sees_it_kept()
    {
        var page = await chromium.SignInToDashboardAsync(web, "marc.dubois");
        await page.Locator(".user-menu summary").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Mes notifications" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Préférences de notification", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("E-mail pour « Alerte de solde bas »")).ToHaveValueAsync("immediate");

        await page.GetByLabel("E-mail pour « Alerte de solde bas »").SelectOptionAsync(new SelectOptionValue { Label = "Dans le résumé quotidien" });
        await page.GetByLabel("E-mail pour « Repas »").SelectOptionAsync(new SelectOptionValue { Label = "Désactivé" });
        await page.GetByLabel("Notification pour « Documents »").UncheckAsync();
        await page.GetByLabel("Activer les heures calmes").CheckAsync();
        await page.GetByLabel("Début des heures calmes").FillAsync("21:30");
        await page.GetByLabel("Fin des heures calmes").FillAsync("07:00");
        await page.GetByLabel("Envoyer le résumé à").SelectOptionAsync("19:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Préférences enregistrées.");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByLabel("E-mail pour « Alerte de solde bas »")).ToHaveValueAsync("digest");
        await Assertions.Expect(page.GetByLabel("E-mail pour « Repas »")).ToHaveValueAsync("off");
        await Assertions.Expect(page.GetByLabel("Notification pour « Documents »")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Notification pour « Repas »")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Activer les heures calmes")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Début des heures calmes")).ToHaveValueAsync("21:30");
        await Assertions.Expect(page.GetByLabel("Envoyer le résumé à")).ToHaveValueAsync("19:00");
        await Screens.SaveAsync(page, "notification-preferences");

        var user = await NotificationRig.UserAsync(web, "marc.dubois");
        var settings = await web.Services.GetRequiredService<NotificationPreferences>().ReadAsync(user.Id);
        Assert.Equal(new QuietHours(new TimeOnly(21, 30), new TimeOnly(7, 0)), settings.Quiet);
        Assert.Equal(new TimeOnly(19, 0), settings.DigestAt);
        Assert.Equal(new KindChoice(EmailChoice.Digest, true), settings.For(NotificationKind.BalanceAlert));

        // Quiet hours that start when they end: refused, and nothing of the form is saved.
        await page.GetByLabel("E-mail pour « Rendez-vous »").SelectOptionAsync("off");
        await page.GetByLabel("Fin des heures calmes").FillAsync("21:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Les heures calmes doivent commencer et finir à des heures différentes");
        await Assertions.Expect(page.GetByLabel("E-mail pour « Rendez-vous »")).ToHaveValueAsync("off");
        Assert.Equal(EmailChoice.Immediate, (await web.Services.GetRequiredService<NotificationPreferences>().ReadAsync(user.Id)).For(NotificationKind.Meeting).Email);
    }

    [Fact]
    public async Task The_unsubscribe_page_asks_once_then_says_what_it_turned_off()
    {
        var user = await NotificationRig.UserAsync(web, "amelie.lefevre");
        await NotificationRig.SendAsync(web, user, NotificationKind.AbsenceToJustify, "Absence à justifier pour le test");
        var mail = await web.Mail.WaitForAsync(m => m.Subject == "Absence à justifier pour le test");
        var link = mail.Headers["List-Unsubscribe"]!.Trim('<', '>');
        var context = await chromium.Browser.NewContextAsync(new() { Locale = "fr-BE" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByText("Ne plus recevoir d'e-mails « Absence à justifier » ?")).ToBeVisibleAsync();
        await Screens.SaveAsync(page, "unsubscribe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Me désabonner" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("C'est fait : vous ne recevrez plus d'e-mails « Absence à justifier ».");
        await Screens.SaveAsync(page, "unsubscribe-done");
        Assert.Equal(EmailChoice.Off, (await web.Services.GetRequiredService<NotificationPreferences>().ReadAsync(user.Id)).For(NotificationKind.AbsenceToJustify).Email);

        await page.GotoAsync(link.Replace("&s=", "&s=x"));
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Ce lien de désabonnement n'est pas valide");
        await Screens.SaveAsync(page, "unsubscribe-forged");
        await context.CloseAsync();
    }
}