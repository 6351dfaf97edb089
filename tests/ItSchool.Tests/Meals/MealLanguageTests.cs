using System.Globalization;
using System.Text;
using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Meals;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Meals;

/// <summary>The kitchen, the school's menus and the parents' calendar read in Dutch and in English, dates included.</summary>
public sealed class MealLanguageTests(WebNode web) : IClassFixture<WebNode>
{
    [Theory]
    [InlineData("nl-BE", "Benoît", "Gereserveerde maaltijden per klas", "Vandaag ·", "Opgediend")]
    [InlineData("en-BE", "Lucas", "Meals booked per class", "Today ·", "Served")]
    public async Task The_kitchen_reads_in_the_readers_language(string culture, string child, string title, string today, string served)
    {
        await KitchenDemo.OnAsync(web);
        var day = KitchenDemo.Today(web);
        await KitchenDemo.MenuAsync(web, day, KitchenDemo.Hot);
        await KitchenDemo.BookAsync(web, day, child, KitchenDemo.Hot);
        using var karim = await InLanguage.SignedInAsync(web, "karim.benali", culture);

        var page = InLanguage.Text(await karim.GetStringAsync("/e/demo/cuisine"));

        Assert.Contains(title, page);
        Assert.Contains($"{today} {KitchenPages.LongDate(day, CultureInfo.GetCultureInfo(culture))}", page);
        Assert.Contains($"Repas chaud {served} 0 /", page);
        Assert.DoesNotContain("Repas réservés par classe", page);
        Assert.DoesNotContain("Servis", page);
        Assert.DoesNotContain(KitchenPages.LongDate(day, SchoolTime.Culture), page);
    }

    [Theory]
    [InlineData("nl-BE", "Maaltijdmenu's", "Een artikel toevoegen", "Melk")]
    [InlineData("en-BE", "Meal menus", "Add an item", "Milk")]
    public async Task The_schools_menus_read_in_the_readers_language(string culture, string title, string add, string milk)
    {
        await KitchenDemo.OnAsync(web);
        var monday = MealAdminPages.MondayOf(KitchenDemo.Today(web)).AddDays(7);
        await KitchenDemo.MenuAsync(web, monday, KitchenDemo.Hot);
        using var claire = await InLanguage.SignedInAsync(web, "claire.dupont", culture);

        var page = InLanguage.Text(await claire.GetStringAsync($"/e/demo/{MealAdminPages.WeekUrl(monday)}"));

        Assert.Contains(title, page);
        Assert.Contains(add, page);
        Assert.Contains(milk, page);
        Assert.Contains(monday.ToString("dddd d MMMM", CultureInfo.GetCultureInfo(culture)), page);
        Assert.DoesNotContain("Semaine suivante", page);
        Assert.DoesNotContain("Ajouter un article", page);
        Assert.DoesNotContain("lundi", page);
    }

    [Fact]
    public async Task The_import_example_is_written_in_English_for_an_English_reader_and_imports_as_it_is()
    {
        await KitchenDemo.OnAsync(web);
        using var claire = await InLanguage.SignedInAsync(web, "claire.dupont", "en-BE");

        var example = await claire.GetAsync($"/e/demo/{MealAdminPages.Root}/import/exemple.csv");
        var text = Encoding.UTF8.GetString((await example.Content.ReadAsByteArrayAsync())[3..]);

        Assert.Equal("meal-menus.csv", example.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        Assert.StartsWith("day;code;label;price;compartment;allergens;portions", text);
        Assert.Contains(";HOT;Vol-au-vent, mash;4,50;", text);
        Assert.Contains("Gluten|Milk|Celery", text);
        Assert.DoesNotContain("Lait", text);
        // Read back as an English reader's upload is: the allergens by their English names.
        var uiCulture = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-BE");
        try
        {
            var plan = await web.Services.GetRequiredService<MealImport>().PlanAsync(DemoSchool.Id, text);
            Assert.Empty(plan.Errors);
            Assert.Equal(4, plan.Articles.Count);
        }
        finally
        {
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }
}