using System.Globalization;

namespace ItSchool.Wallets;

/// <summary>
/// The European Payments Council's credit-transfer QR payload ("BCD"), version 002, UTF-8: what a banking
/// app reads to pre-fill a SEPA transfer. Belgian apps take the structured communication's twelve digits
/// as the structured remittance reference.
/// </summary>
public static class EpcQrPayload
{
    public static string For(string beneficiary, string iban, string? bic, StructuredCommunication communication, long? amountCents = null)
    {
        var amount = amountCents is { } cents ? "EUR" + (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture) : "";
        string[] lines =
        [
            "BCD", "002", "1", "SCT",
            bic ?? "",
            beneficiary.Length > 70 ? beneficiary[..70] : beneficiary,
            iban.Replace(" ", "").ToUpperInvariant(),
            amount,
            "",
            communication.Digits,
        ];
        return string.Join('\n', lines);
    }
}