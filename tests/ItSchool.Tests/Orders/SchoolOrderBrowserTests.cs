using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Playwright;

namespace ItSchool.Tests.Orders;

public sealed class SchoolOrderBrowserTests(WebNode web, Chromium chromium) : IClassFixture<WebNode>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_manager_opens_an_e_shop_form_with_sizes_and_sees_it_listed_with_its_stock()
    {
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Commandes" }).First.ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Commandes", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(manager.Locator(".order-forms")).ToContainTextAsync("Location-retour chromebooks");
        await Screens.SaveAsync(manager, "orders-admin-list");
        await manager.NoSeriousViolationAsync();

        await manager.GetByRole(AriaRole.Link, new() { Name = "Nouveau formulaire" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Nouveau formulaire de commande" })).ToBeVisibleAsync();
        var day = SchoolTime.Today(web.Clock);
        await manager.GetByLabel("Type").SelectOptionAsync("shop");
        await manager.GetByLabel("Titre").FillAsync("Sweat à capuche");
        await manager.GetByLabel("Accessible du").FillAsync($"{day:yyyy-MM-dd}");
        await manager.GetByLabel("au", new() { Exact = true }).FillAsync($"{day.AddDays(-1):yyyy-MM-dd}");
        await manager.Locator("[name='A0.Code']").FillAsync("SWEAT");
        await manager.Locator("[name='A0.Label']").FillAsync("Sweat à capuche bleu");
        await manager.Locator("[name='A0.Price']").FillAsync("24,50");
        await manager.Locator("[name='A0.Options']").FillAsync("S:10, M:4, L:8");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Créer le formulaire" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Alert)).ToContainTextAsync("Le dernier jour doit venir après le premier");
        // The form came back as typed: only the date needs fixing.
        await Assertions.Expect(manager.Locator("[name='A0.Options']")).ToHaveValueAsync("S:10, M:4, L:8");
        await Screens.SaveAsync(manager, "orders-admin-refused");
        await manager.NoSeriousViolationAsync();

        await manager.GetByLabel("au", new() { Exact = true }).FillAsync($"{day.AddDays(20):yyyy-MM-dd}");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Créer le formulaire" }).ClickAsync();
        await Assertions.Expect(manager.GetByRole(AriaRole.Status)).ToContainTextAsync("Le formulaire est créé.");
        await Assertions.Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Sweat à capuche", Level = 1 })).ToBeVisibleAsync();
        var medium = manager.Locator(".order-totals tbody tr").Filter(new() { HasText = "Sweat à capuche bleu — M" });
        await Assertions.Expect(medium).ToContainTextAsync("24,50 €");
        await Assertions.Expect(medium.Locator("td").Nth(3)).ToHaveTextAsync("4");
        await Assertions.Expect(manager.Locator(".order-totals tbody tr")).ToHaveCountAsync(3);
        await Screens.SaveAsync(manager, "orders-admin-form");
        await manager.NoSeriousViolationAsync();

        await manager.GetByRole(AriaRole.Link, new() { Name = "Modifier" }).ClickAsync();
        await Assertions.Expect(manager.Locator("[name='A0.Options']")).ToHaveValueAsync("S:10, M:4, L:8");
        await Screens.SaveAsync(manager, "orders-admin-edit");
        await manager.NoSeriousViolationAsync();

        await manager.GetByRole(AriaRole.Link, new() { Name = "Commandes" }).First.ClickAsync();
        await Assertions.Expect(manager.Locator(".order-forms")).ToContainTextAsync("Sweat à capuche");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Photos de classe" }).ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Épreuves du photographe" }).ClickAsync();
        await Assertions.Expect(manager.Locator(".proof-thumbs img").First).ToBeVisibleAsync();
        await Screens.SaveAsync(manager, "orders-admin-proofs");
        await manager.NoSeriousViolationAsync();
    }

    [Fact]
    public async Task A_picture_over_five_megabytes_is_refused_in_the_page_by_name_and_never_sent()
    {
        var manager = await chromium.SignInToDashboardAsync(web, "claire.dupont");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Commandes" }).First.ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Photos de classe" }).ClickAsync();
        await manager.GetByRole(AriaRole.Link, new() { Name = "Épreuves du photographe" }).ClickAsync();
        var chloe = manager.Locator(".proof-pupils > li").Filter(new() { HasText = "Dubois Chloé" });
        var before = await chloe.Locator(".proof-thumbs img").CountAsync();
        var posted = 0;
        manager.Request += (_, request) => posted += request.Method == "POST" ? 1 : 0;

        var input = chloe.Locator("input[type=file]");
        await input.SetInputFilesAsync(new FilePayload { Name = "grande.jpg", MimeType = "image/jpeg", Buffer = new byte[5 * 1024 * 1024 + 1] });
        await chloe.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();

        Assert.Equal("« grande.jpg » dépasse 5 Mo : rien n'a été enregistré.", await input.EvaluateAsync<string>("input => input.validationMessage"));
        // A choice that fits is sent as before.
        await input.SetInputFilesAsync(new FilePayload { Name = "petite.png", MimeType = "image/png", Buffer = ItSchool.Orders.DemoOrders.Card("CD", (10, 120, 60)) });
        Assert.Equal("", await input.EvaluateAsync<string>("input => input.validationMessage"));
        Assert.Equal(0, posted);
        await chloe.GetByRole(AriaRole.Button, new() { Name = "Envoyer" }).ClickAsync();
        await Assertions.Expect(manager.Locator(".proof-pupils > li").Filter(new() { HasText = "Dubois Chloé" }).Locator(".proof-thumbs img"))
            .ToHaveCountAsync(before + 1);
    }
}