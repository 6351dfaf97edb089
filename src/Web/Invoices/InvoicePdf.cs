using System.Globalization;
using ItSchool.Invoices;
using ItSchool.Pupils;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using QRCoder;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Invoices;

/// <summary>
/// The invoice as a one-page A4 PDF, written with PdfPig (Apache-2.0): the school's letterhead, the lines and
/// totals, the due date, the structured communication and the EPC QR code for what remains to pay.
/// </summary>
public static class InvoicePdf
{
    static readonly CultureInfo Belgian = CultureInfo.GetCultureInfo("fr-BE");

    public static byte[] Render(InvoiceView invoice, string schoolName, RegisteredPupil? pupil, WalletSettings? account)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var page = document.AddPage(PageSize.A4);
        const double left = 56, right = 539;
        var y = 786.0;

        void Text(string text, double size, double x, PdfDocumentBuilder.AddedFont font) => page.AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);

        void RightAligned(string text, double size, double x, PdfDocumentBuilder.AddedFont font)
        {
            var printable = PdfFonts.Printable(text);
            var width = page.MeasureText(printable, size, new PdfPoint(0, 0), font).Sum(l => l.Width);
            page.AddText(printable, size, new PdfPoint(x - width, y), font);
        }

        Text(schoolName, 18, left, bold);
        y -= 16;
        if (account?.Iban is { } iban)
        {
            Text($"{account.Beneficiary ?? schoolName} · IBAN {Iban.Format(iban)}{(account.Bic is null ? "" : $" · BIC {account.Bic}")}", 9, left, regular);
        }
        y -= 40;
        Text($"Facture {invoice.Number}", 16, left, bold);
        y -= 20;
        Text(invoice.Label, 11, left, regular);
        y -= 24;
        if (pupil is not null)
        {
            Text($"Élève : {pupil.DisplayName} ({pupil.ClassName})", 10, left, regular);
            y -= 14;
        }
        Text($"Date d'émission : {invoice.IssuedOn:dd/MM/yyyy}", 10, left, regular);
        y -= 14;
        Text($"Échéance : {invoice.DueOn:dd/MM/yyyy}", 10, left, bold);
        y -= 30;

        Text("Description", 10, left, bold);
        RightAligned("Quantité", 10, 360, bold);
        RightAligned("Prix unitaire", 10, 450, bold);
        RightAligned("Montant", 10, right, bold);
        y -= 6;
        page.DrawLine(new PdfPoint(left, y), new PdfPoint(right, y), 0.5);
        foreach (var line in invoice.Lines)
        {
            y -= 16;
            Text(line.Label, 10, left, regular);
            RightAligned(line.Quantity.ToString(Belgian), 10, 360, regular);
            RightAligned(Euros(line.UnitCents), 10, 450, regular);
            RightAligned(Euros(line.TotalCents), 10, right, regular);
        }
        y -= 8;
        page.DrawLine(new PdfPoint(left, y), new PdfPoint(right, y), 0.5);

        void Total(string label, long cents, PdfDocumentBuilder.AddedFont font)
        {
            y -= 16;
            RightAligned(label, 10, 450, font);
            RightAligned(Euros(cents), 10, right, font);
        }
        Total("Total", invoice.TotalCents, bold);
        if (invoice.CreditedCents > 0)
        {
            Total("Notes de crédit", -invoice.CreditedCents, regular);
        }
        if (invoice.PaidCents > 0)
        {
            Total("Déjà payé", -invoice.PaidCents, regular);
        }
        var remaining = Math.Max(0, invoice.RemainingCents);
        Total("Reste à payer", remaining, bold);

        y -= 40;
        Text("Communication structurée", 10, left, bold);
        y -= 16;
        Text(invoice.Communication.ToString(), 13, left, regular);
        if (remaining > 0 && account?.Iban is { } accountIban)
        {
            y -= 20;
            Text($"Merci de verser {Euros(remaining)} avant le {invoice.DueOn:dd/MM/yyyy} avec cette communication.", 10, left, regular);
            y -= 14;
            Text("Ou scannez le code QR avec votre application bancaire.", 10, left, regular);
            var payload = EpcQrPayload.For(account.Beneficiary ?? schoolName, accountIban, account.Bic, invoice.Communication, remaining);
            page.AddPng(QrPng(payload), new PdfRectangle(right - 130, y - 40, right, y + 90));
        }
        else if (remaining == 0)
        {
            y -= 20;
            Text(invoice.State == InvoiceState.Credited ? "Cette facture est annulée par note de crédit." : "Cette facture est entièrement payée.", 10, left, regular);
        }
        return document.Build();
    }

    static string Euros(long cents) => (cents / 100m).ToString("#,##0.00", Belgian) + " EUR";

    static byte[] QrPng(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M, forceUtf8: true);
        // Black on white in full colour: PdfPig reads RGB(A) PNGs, not the one-bit default.
        return new PngByteQRCode(data).GetGraphic(8, [0, 0, 0, 255], [255, 255, 255, 255]);
    }
}