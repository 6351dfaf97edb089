using System.Globalization;
using ItSchool.Web;
using ItSchool.Web.Meetings;
using ItSchool.Web.Shell;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace ItSchool.Tests.Web;

public sealed class ElisionTests
{
    static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-BE");

    [Theory]
    [InlineData("Factures de {0}", "Amélie", "Factures d'Amélie")]
    [InlineData("Factures de {0}", "Marc", "Factures de Marc")]
    [InlineData("Factures de {0}", "Hélène", "Factures d'Hélène")]
    [InlineData("Le local de {0} compte {1} caractères au plus.", "Élise Dupont", "Le local d'Élise Dupont compte 40 caractères au plus.")]
    [InlineData("De {0} à {1}", "Octave", "D'Octave à 40")]
    [InlineData("Il reste que {0} et la {0}", "Yves", "Il reste qu'Yves et l'Yves")]
    [InlineData("Invité le {0}", "08/11/2026", "Invité le 08/11/2026")]
    [InlineData("Code {0}", "Amélie", "Code Amélie")]
    [InlineData("Inde {0}", "Amélie", "Inde Amélie")]
    public void A_name_starting_with_a_vowel_sound_takes_the_elided_word(string format, string name, string expected) =>
        Assert.Equal(expected, Elision.Format(French, format, [name, 40]));

    [Fact]
    public void Other_languages_are_left_as_written() =>
        Assert.Equal("Invoices de Amélie", Elision.Format(CultureInfo.GetCultureInfo("en-GB"), "Invoices de {0}", ["Amélie"]));

    [Fact]
    public void Every_localised_string_of_the_app_elides()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.AddElision();
        using var provider = services.BuildServiceProvider();
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = French;
        try
        {
            var meetings = provider.GetRequiredService<IStringLocalizer<MeetingText>>();
            Assert.Equal("Le local d'Élise Dupont compte 40 caractères au plus.", meetings["Admin.Problem.Room", "Élise Dupont", 40].Value);
            Assert.Equal("Le local de Sophie Martin compte 40 caractères au plus.", meetings["Admin.Problem.Room", "Sophie Martin", 40].Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }
}