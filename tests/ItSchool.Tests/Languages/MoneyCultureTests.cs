using System.Globalization;
using ItSchool.Web.Shell;
using ItSchool.Web.Wallets;

namespace ItSchool.Tests.Languages;

public sealed class MoneyCultureTests
{
    [Theory]
    [InlineData("fr-BE", 1045, "10,45 €")]
    [InlineData("nl-BE", 1045, "10,45 €")]
    [InlineData("en-BE", 1045, "10.45 €")]
    [InlineData("fr-BE", -123450, "-1\u202f234,50 €")]
    [InlineData("nl-BE", -123450, "-1.234,50 €")]
    [InlineData("en-BE", -123450, "-1,234.50 €")]
    public void Amounts_follow_the_readers_digits_with_the_euro_sign_after(string culture, long cents, string expected)
    {
        using (Cultures.Use(CultureInfo.GetCultureInfo(culture)))
        {
            Assert.Equal(expected, Money.Format(cents));
        }
    }

    [Fact]
    public void A_culture_scope_restores_the_callers_culture()
    {
        var before = CultureInfo.CurrentUICulture;
        using (Cultures.Use(CultureInfo.GetCultureInfo("nl-BE")))
        {
            Assert.Equal("nl-BE", CultureInfo.CurrentUICulture.Name);
            Assert.Equal("nl-BE", CultureInfo.CurrentCulture.Name);
        }
        Assert.Equal(before, CultureInfo.CurrentUICulture);
    }

    [Fact]
    public void Form_amounts_stay_in_the_schools_culture()
    {
        using (Cultures.Use(CultureInfo.GetCultureInfo("en-BE")))
        {
            Assert.Equal("12,50", Money.Amount(1250));
        }
    }
}