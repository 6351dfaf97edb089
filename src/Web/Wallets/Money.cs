using System.Globalization;
using ItSchool.Schools;

namespace ItSchool.Web.Wallets;

/// <summary>Euro amounts on screen and in forms; always integer cents inside, never floating point.</summary>
public static class Money
{
    /// <summary>
    /// In the reader's culture's digits, always in euro and always with the sign after the amount, as Belgians write
    /// it whatever their language: "10,45 €" in fr-BE and nl-BE (where .NET would put it first), "10.45 €" in en-BE.
    /// </summary>
    public static string Format(long cents)
    {
        var culture = CultureInfo.CurrentCulture.IsNeutralCulture || CultureInfo.CurrentCulture.Equals(CultureInfo.InvariantCulture)
            ? SchoolTime.Culture
            : CultureInfo.CurrentCulture;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = "€";
        format.CurrencyPositivePattern = 3; // "n €"
        format.CurrencyNegativePattern = 8; // "-n €"
        return (cents / 100m).ToString("C", format);
    }

    /// <summary>An amount as a form field shows it: "12,50", in the school's culture, without the euro sign.</summary>
    public static string Amount(long cents) => (cents / 100m).ToString("0.00", SchoolTime.Culture);

    /// <summary>Reads "12,50", "12.50", "12" or "12,5 €"; refuses anything else, more than two decimals, zero or less.</summary>
    public static bool TryParseCents(string? text, out long cents)
    {
        cents = 0;
        var cleaned = (text ?? "").Replace("€", "").Replace(" ", "").Replace('\u00a0', ' ').Trim().Replace(',', '.');
        if (!decimal.TryParse(cleaned, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var euros)
            || euros <= 0 || decimal.Round(euros, 2) != euros || euros > 100_000m)
        {
            return false;
        }
        cents = (long)(euros * 100m);
        return true;
    }
}