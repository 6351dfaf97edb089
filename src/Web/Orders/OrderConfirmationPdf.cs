using ItSchool.Orders;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Orders;

/// <summary>
/// An order's confirmation on A4, as the family's documents open it: who ordered what on which form, at which prices,
/// and how it is paid (the wallet's compartment, or the invoice's number, due date and structured communication), in
/// the reader's language. A long order goes on as many pages as it needs.
/// </summary>
public static class OrderConfirmationPdf
{
    const double Top = 800, Bottom = 70, Left = 56, Right = 539, Row = 18;

    /// <summary>The school as the document's head names it.</summary>
    public sealed record Issuer(string Name, string? PostalAddress, string? EnterpriseNumber);

    public static byte[] Render(ParentOrderPages.SummaryModel summary, Issuer issuer, DateTimeOffset printedAt, IStringLocalizer<OrderText> T)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var pages = new List<PdfPageBuilder> { document.AddPage(PageSize.A4) };
        var y = Top;
        var order = summary.Order;

        void Text(string text, double size, double x, PdfDocumentBuilder.AddedFont font) =>
            pages[^1].AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);
        double Width(string text, double size, PdfDocumentBuilder.AddedFont font) => PdfFonts.Width(pages[^1], text, size, font);
        void RightAligned(string text, double size, double right, PdfDocumentBuilder.AddedFont font) => Text(text, size, right - Width(text, size, font), font);
        void Rule(double thickness, byte grey)
        {
            pages[^1].SetStrokeColor(grey, grey, grey);
            pages[^1].DrawLine(new PdfPoint(Left, y - 6), new PdfPoint(Right, y - 6), thickness);
            pages[^1].ResetColor();
        }
        void Room(double height)
        {
            if (y - height < Bottom)
            {
                pages.Add(document.AddPage(PageSize.A4));
                y = Top;
            }
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
        Text(summary.Form.Title, 13, Left, bold);
        y -= 20;
        Text(T["Pdf.For", $"{summary.Child.FirstName} {summary.Child.LastName}", summary.Child.ClassName], 10.5, Left, regular);
        y -= 15;
        Text(T["Pdf.PlacedOn", SchoolTime.DateAndTime(order.PlacedAt), order.PlacedBy.Name ?? ""], 10.5, Left, regular);
        y -= 15;
        Text(T["Pdf.Reference", order.Id.ToString()[..8].ToUpperInvariant()], 10.5, Left, regular);
        if (order.Status == OrderStatus.Cancelled || order.DeliveredAt is not null)
        {
            y -= 18;
            Text(order.CancelledAt is { } cancelled ? T["Pdf.Cancelled", SchoolTime.DateAndTime(cancelled)] : T["Pdf.Delivered", SchoolTime.Date(order.DeliveredAt!.Value)],
                11, Left, bold);
        }
        y -= 34;

        const double quantityRight = 370, unitRight = 455;
        void Headings()
        {
            Text(T["Column.Article"], 10, Left, bold);
            RightAligned(T["Column.Quantity"], 10, quantityRight, bold);
            RightAligned(T["Column.Unit"], 10, unitRight, bold);
            RightAligned(T["Column.Total"], 10, Right, bold);
            Rule(0.8, 0);
            y -= Row + 4;
        }
        Headings();
        foreach (var line in order.Lines)
        {
            if (y - Row < Bottom)
            {
                Room(Row);
                Headings();
            }
            var label = line.Option.Length > 0 ? $"{line.Label} ({line.Option})" : line.Label;
            Text(Fit(label, 10, quantityRight - Left - 60), 10, Left, regular);
            RightAligned(line.Quantity.ToString(SchoolTime.Culture), 10, quantityRight, regular);
            RightAligned(Money.Format(line.UnitCents), 10, unitRight, regular);
            RightAligned(Money.Format(line.TotalCents), 10, Right, regular);
            Rule(0.3, 210);
            y -= Row;
        }
        Room(Row * 2);
        y -= 4;
        Text(T["Column.Total"], 11, Left, bold);
        RightAligned(Money.Format(order.TotalCents), 11, Right, bold);
        y -= 36;

        Room(Row * 5);
        Text(T["Summary.Payment"], 12, Left, bold);
        y -= 18;
        if (order.Payment == OrderPayment.Wallet)
        {
            Text(T["Pdf.PaidByWallet", summary.Wallet?.Name ?? "", SchoolTime.Date(order.PlacedAt)], 10.5, Left, regular);
        }
        else if (summary.Invoice is { } invoice)
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
        else
        {
            Text(T["Summary.InvoiceComing"], 10.5, Left, regular);
        }

        var printed = T["Pdf.Printed", SchoolTime.DateAndTime(printedAt)];
        for (var i = 0; i < pages.Count; i++)
        {
            var page = pages[i];
            page.SetTextAndFillColor(90, 90, 90);
            page.AddText(PdfFonts.Printable($"{issuer.Name} - {summary.Form.Title}"), 8, new PdfPoint(Left, 40), regular);
            var right = PdfFonts.Printable($"{printed} · {T["Pdf.Page", i + 1, pages.Count]}");
            var width = PdfFonts.Width(page, right, 8, regular);
            page.AddText(right, 8, new PdfPoint(Right - width, 40), regular);
            page.ResetColor();
        }
        return document.Build();

        string Fit(string text, double size, double room) => PdfFonts.Fit(text, room, t => Width(t, size, regular));
    }
}