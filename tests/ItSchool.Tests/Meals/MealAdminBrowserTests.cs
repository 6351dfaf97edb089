using System.Text;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Wallets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ItSchool.Tests.Meals;

/// <summary>The manager in a real browser: a day's menu entered through the form, then the day closed after the confirmation.</summary>
public sealed class MealAdminBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    IGrainFactory Grains => web.Services.GetRequiredService<IGrainFactory>();

    async Task<Guid> FundedPupilAsync(string firstName)
    {
        var id = await DemoPupils.IdAsync(web, firstName);
        Assert.True((await Grains.GetGrain<IPurseGrain>(id).CreditAsync(new Credit(Guid.NewGuid().ToString(), 2, 5_000, MovementKind.BankTopUp,
            PaymentMethod.BankTransfer, LedgerSubject.BankTopUp, new Actor(ActorKind.Import, "test", "Test")))).Accepted);
        return id;
    }

    [Fact]
    public async Task The_manager_enters_a_days_menu_then_closes_the_day_and_its_bookings_are_refunded()
    {
        await Grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meals);
        // Six weeks ahead, after the demo's menus, under a horizon that reaches it.
        Assert.True(await web.Services.GetRequiredService<MealMenus>().SetRulesAsync(DemoSchool.Id, MealRules.Default with { HorizonDays = 90 }));
        var day = SchoolTime.Today(TimeProvider.System).AddDays(42);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }
        var key = MealDays.Key(day);
        var page = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await page.GotoAsync(new Uri(web.DemoSchool, $"gestion/repas?semaine={key}").ToString());
        var section = page.Locator($"#jour-{key}");

        var form = section.Locator(".add-article");
        await form.GetByText("Ajouter un article").ClickAsync();
        await form.GetByLabel("Code").FillAsync("CHAUD");
        await form.GetByLabel("Libellé").FillAsync("Waterzooi de volaille");
        await form.GetByLabel("Prix").FillAsync("4,70");
        await form.GetByLabel("Portions").FillAsync("60");
        await form.GetByLabel("Céleri").CheckAsync();
        await form.GetByLabel("Lait").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Ajouter l'article" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("L'article est ajouté.");
        await Assertions.Expect(section.Locator(".meal-article")).ToContainTextAsync("Waterzooi de volaille");
        await Assertions.Expect(section.Locator(".meal-article")).ToContainTextAsync("Allergènes : Lait, Céleri");
        await Assertions.Expect(section.Locator(".meal-article")).ToContainTextAsync("60 portions");

        foreach (var child in new[] { "Chloé", "Lucas" })
        {
            var booked = await Grains.Day(DemoSchool.Id, day).BookAsync(new MealBooking(Guid.NewGuid().ToString(), await FundedPupilAsync(child), "CHAUD",
                new Actor(ActorKind.User, "marc.dubois", "Marc Dubois")));
            Assert.True(booked.Booked, $"{booked.Refusal}");
        }
        await page.ReloadAsync();
        await Assertions.Expect(section.Locator(".booked-count")).ToHaveTextAsync("2 réservé(s)");
        await Screens.SaveAsync(page, "meal-admin-week");

        await section.GetByLabel("Raison").SelectOptionAsync(new SelectOptionValue { Label = "Excursion" });
        await section.GetByRole(AriaRole.Button, new() { Name = "Fermer ce jour" }).ClickAsync();
        var dialog = page.Locator("dialog#dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("2 réservation(s) seront remboursées.");
        await Assertions.Expect(dialog).ToContainTextAsync("Raison : Excursion");
        await Screens.SaveAsync(page, "meal-admin-close-dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Fermer et rembourser 2 réservation(s)" }).ClickAsync();

        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("Le jour est fermé ; 2 réservation(s) remboursée(s).");
        await Assertions.Expect(section.Locator(".closed-tag")).ToHaveTextAsync("Fermé : Excursion");
        Assert.All(await Grains.Day(DemoSchool.Id, day).GetBookingsAsync(), b => Assert.Equal(BookingStatus.Refunded, b.Status));
        await Screens.SaveAsync(page, "meal-admin-closed");

        // The other pages, for a person to look at in a review run.
        foreach (var (path, name) in new[] { ("gestion/repas/regles", "meal-admin-rules"), ("gestion/repas/allergies", "meal-admin-allergies"),
                     ($"gestion/repas/rapport?semaine={key}", "meal-admin-report"), ("gestion/repas/import", "meal-admin-import") })
        {
            await page.GotoAsync(new Uri(web.DemoSchool, path).ToString());
            await Screens.SaveAsync(page, name);
        }
        var csv = $"jour;code;libelle;prix;compartiment;allergenes;capacite\n{key};SOUPE;Soupe;1,20;Repas;Céleri;\n{key};X;;abc;Cantine;Chocolat;0\n";
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "menus.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Vérifier le fichier" }).ClickAsync();
        await Assertions.Expect(page.Locator("table.errors")).ToContainTextAsync("Le compartiment « Cantine » n'existe pas");
        await Screens.SaveAsync(page, "meal-admin-import-errors");
    }
}