using ItSchool.Schools;
using ItSchool.Textbooks;
using ItSchool.Web.Platform;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Textbooks;

/// <summary>
/// A textbook answer's confirmation on A4, as the family's documents open it: each item of the list with the family's
/// choice and what it costs, the rentals' deposits and return dates, the total and how it is paid (the wallet's
/// compartment, or the invoice's number, due date and structured communication), in the reader's language.
/// </summary>
public static class TextbookConfirmationPdf
{
    const double Top = 800, Bottom = 70, Left = 56, Right = 539, ChoiceLeft = 345;

    /// <summary>The school as the document's head names it.</summary>
    public sealed record Issuer(string Name, string? PostalAddress, string? EnterpriseNumber);

    public static byte[] Render(ParentTextbookPages.ListModel model, Issuer issuer, DateTimeOffset printedAt, IStringLocalizer<TextbookText> T)
    {
        var confirmation = model.Confirmation!;
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var pages = new List<PdfPageBuilder> { document.AddPage(PageSize.A4) };
        var y = Top;

        void Text(string text, double size, double x, PdfDocumentBuilder.AddedFont font) =>
            pages[^1].AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);
        double Width(string text, double size, PdfDocumentBuilder.AddedFont font) => PdfFonts.Width(pages[^1], text, size, font);
        void RightAligned(string text, double size, PdfDocumentBuilder.AddedFont font) => Text(text, size, Right - Width(text, size, font), font);
        string Fit(string text, double size, double room, PdfDocumentBuilder.AddedFont font) => PdfFonts.Fit(text, room, t => Width(t, size, font));
        void Rule(double thickness, byte grey)
        {
            pages[^1].SetStrokeColor(grey, grey, grey);
            pages[^1].DrawLine(new PdfPoint(Left, y - 6), new PdfPoint(Right, y - 6), thickness);
            pages[^1].ResetColor();
        }
        void Headings()
        {
            Text(T["Pdf.Item"], 10, Left, bold);
            Text(T["Pdf.Choice"], 10, ChoiceLeft, bold);
            RightAligned(T["Pdf.Amount"], 10, bold);
            Rule(0.8, 0);
            y -= 22;
        }

        Text(issuer.Name, 12, Left, bold);
        foreach (var line in new[] { issuer.PostalAddress, issuer.EnterpriseNumber is { } number ? T["Pdf.Enterprise", number].Value : null }.OfType<string>())
        {
            y -= 14;
            Text(line.ReplaceLineEndings(", "), 9, Left, regular);
        }
        y -= 40;
        Text(T["Pdf.Title"], 18, Left, bold);
        y -= 24;
        Text(TextbookWords.Title(T, model.List), 13, Left, bold);
        y -= 20;
        Text(T["Pdf.For", model.Child.DisplayName, model.Child.ClassName], 10.5, Left, regular);
        y -= 15;
        Text(T["Confirmation.On", SchoolTime.DateAndTime(confirmation.ConfirmedAt), confirmation.ConfirmedBy.Name ?? ""], 10.5, Left, regular);
        y -= 15;
        Text(T["Pdf.Reference", confirmation.Id.ToString()[..8].ToUpperInvariant()], 10.5, Left, regular);
        y -= 34;

        Headings();
        foreach (var chosen in confirmation.Items)
        {
            var item = chosen.Item;
            var details = item.Rental
                ? T["Pdf.RentalDetails", Money.Format(item.PriceCents), Money.Format(item.DepositCents), item.ReturnOn is { } back ? SchoolTime.Date(back) : ""].Value
                : string.Join(" · ", new[] { item.Publisher, item.Isbn is { } isbn ? T["Item.Isbn", isbn].Value : "" }.Where(s => s.Length > 0));
            if (y - 32 < Bottom)
            {
                pages.Add(document.AddPage(PageSize.A4));
                y = Top;
                Headings();
            }
            var font = chosen.Ordered ? bold : regular;
            Text(Fit(item.Title, 10, ChoiceLeft - Left - 14, font), 10, Left, font);
            Text(TextbookWords.Choice(T, chosen.Choice), 10, ChoiceLeft, regular);
            if (chosen.Ordered)
            {
                RightAligned(Money.Format(item.ChargedCents), 10, regular);
            }
            y -= 13;
            Text(Fit(details, 8.5, Right - Left, regular), 8.5, Left, regular);
            Rule(0.3, 210);
            y -= 21;
        }
        y -= 4;
        Text(T["Total"], 11, Left, bold);
        RightAligned(Money.Format(confirmation.TotalCents), 11, bold);
        y -= 36;

        if (y - 100 < Bottom)
        {
            pages.Add(document.AddPage(PageSize.A4));
            y = Top;
        }
        Text(T["Payment.Title"], 12, Left, bold);
        y -= 18;
        if (confirmation.TotalCents == 0)
        {
            Text(T["Payment.Nothing"], 10.5, Left, regular);
        }
        else if (confirmation.Payment == TextbookPayment.Wallet)
        {
            Text(T["Payment.Debited", Money.Format(confirmation.TotalCents), model.Wallet?.Name ?? ""], 10.5, Left, regular);
        }
        else if (model.Invoice is { } invoice)
        {
            foreach (var (label, value) in new[]
            {
                (T["Invoice.Number"].Value, invoice.Number),
                (T["Invoice.Amount"].Value, Money.Format(invoice.TotalCents)),
                (T["Invoice.Due"].Value, SchoolTime.Date(invoice.DueOn)),
                (T["Invoice.Communication"].Value, invoice.Communication.ToString()),
            })
            {
                Text(label, 10.5, Left, regular);
                Text(value, 10.5, Left + 170, bold);
                y -= 16;
            }
        }
        if (confirmation.Ordered.Any(c => c.Item.Rental))
        {
            y -= 10;
            Text(Fit(T["Confirmation.DepositHelp"], 9, Right - Left, regular), 9, Left, regular);
        }

        var printed = T["Pdf.Printed", SchoolTime.DateAndTime(printedAt)];
        for (var i = 0; i < pages.Count; i++)
        {
            var page = pages[i];
            page.SetTextAndFillColor(90, 90, 90);
            page.AddText(PdfFonts.Printable($"{issuer.Name} - {TextbookWords.Title(T, model.List)}"), 8, new PdfPoint(Left, 40), regular);
            var right = PdfFonts.Printable($"{printed} · {T["Pdf.Page", i + 1, pages.Count]}");
            page.AddText(right, 8, new PdfPoint(Right - PdfFonts.Width(page, right, 8, regular), 40), regular);
            page.ResetColor();
        }
        return document.Build();
    }
}