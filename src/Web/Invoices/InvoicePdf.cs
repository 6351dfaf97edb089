using System.Globalization;
using System.Text.RegularExpressions;
using ItSchool.Invoices;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Wallets;
using ItSchool.Web.Platform;
using ItSchool.Web.Wallets;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;
using Font = UglyToad.PdfPig.Writer.PdfDocumentBuilder.AddedFont;

namespace ItSchool.Web.Invoices;

/// <summary>
/// The invoice as an A4 PDF, written with PdfPig (Apache-2.0): the school's letterhead (address, enterprise
/// number, bank account), the lines with their labels wrapped in their column, the totals with credit notes and
/// what was already paid, the structured communication with the EPC QR code for what remains to pay, then the
/// payments and credit notes received. Lines run onto further pages under the column headings again; every page
/// says "page n/m".
/// </summary>
public static partial class InvoicePdf
{
    /// <summary>Who sends the invoice: the school as its letterhead and payment block print it.</summary>
    public sealed record Issuer(string Name, string? PostalAddress, string? EnterpriseNumber, WalletSettings? Account);

    const double Left = 50, Right = 545, Top = 800, Bottom = 66;
    const double Body = 9.5, Leading = 12.5, Small = 8;

    public static byte[] Render(InvoiceView invoice, Issuer school, RegisteredPupil? pupil, DateTimeOffset printedAt,
        IStringLocalizer<InvoiceText> T)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var sheet = new Sheet(document, regular, bold);
        sheet.NewPage();
        Letterhead(sheet, invoice, school, pupil, T);

        var table = new LineTable(sheet, invoice, T);
        sheet.RunningHead = () =>
        {
            RunningHead(sheet, invoice, school, T);
            table.Headings();
        };
        table.Headings();
        foreach (var line in invoice.Lines)
        {
            table.Row(line);
        }
        sheet.RunningHead = () => RunningHead(sheet, invoice, school, T);
        Totals(sheet, table, invoice, T);
        Payment(sheet, invoice, school, T);
        Movements(sheet, table, invoice, T);

        var printed = T["Pdf.Printed", Day(SchoolTime.Local(printedAt))];
        sheet.Footers(number => ($"{school.Name} · {T["Invoice.Title", invoice.Number]}", $"{printed} · {T["Pdf.Page", number, sheet.PageCount]}"));
        return document.Build();
    }

    static string Day(DateOnly day) => day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    static string Day(DateTime moment) => moment.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The school on the left (name, address, enterprise number, account), the invoice and the pupil on the right.</summary>
    static void Letterhead(Sheet sheet, InvoiceView invoice, Issuer school, RegisteredPupil? pupil, IStringLocalizer<InvoiceText> T)
    {
        const double side = 330, width = side - Left - 24;
        var y = sheet.Paragraph(school.Name, 15, sheet.Bold, Left, width, Top - 14, 18) - 2;
        sheet.Grey(90);
        foreach (var line in AddressLines(school.PostalAddress ?? ""))
        {
            y = sheet.Paragraph(line, Body, sheet.Regular, Left, width, y, Leading);
        }
        if (school.EnterpriseNumber is { } enterprise)
        {
            y = sheet.Paragraph(T["Pdf.EnterpriseNumber", enterprise], Body, sheet.Regular, Left, width, y, Leading);
        }
        if (school.Account?.Iban is { } iban)
        {
            var bank = school.Account.Bic is { } bic ? $"{T["Pdf.Iban", Iban.Format(iban)]} · {T["Pdf.Bic", bic]}" : T["Pdf.Iban", Iban.Format(iban)];
            y = sheet.Paragraph(bank, Body, sheet.Regular, Left, width, y, Leading);
        }
        sheet.Black();

        var fields = new List<(string Label, string Value, Font Font)>
        {
            (T["Column.Issued"], Day(invoice.IssuedOn), sheet.Regular),
            (T["Column.Due"], Day(invoice.DueOn), sheet.Bold),
        };
        if (pupil is not null)
        {
            fields.Add((T["Column.Pupil"], pupil.DisplayName, sheet.Bold));
            fields.Add((T["Column.Class"], pupil.ClassName, sheet.Regular));
        }
        var values = side + fields.Max(f => sheet.Width(f.Label, Body, sheet.Regular)) + 12;
        var right = sheet.Paragraph(T["Invoice.Title", invoice.Number], 17, sheet.Bold, side, Right - side, Top - 16, 20) - 6;
        foreach (var (label, value, font) in fields)
        {
            sheet.Grey(90);
            sheet.Write(label, Body, side, right, sheet.Regular);
            sheet.Black();
            right = sheet.Paragraph(value, Body, font, values, Right - values, right, Leading);
        }

        // Both blocks answer where a next line would go; the subject stands a little below the longer one.
        var subject = Math.Min(y, right) - 14;
        sheet.Y = sheet.Paragraph(T["Pdf.Subject", invoice.Label], 11.5, sheet.Bold, Left, Right - Left, subject, 15) + 15 - 12;
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*|,\s*(?=\d{4}\b)")]
    private static partial Regex AddressBreak();

    /// <summary>"Rue de l'École 1, 1000 Bruxelles" on two lines, as a Belgian address is written on a letter.</summary>
    static IEnumerable<string> AddressLines(string address) => AddressBreak().Split(address.Trim()).Where(l => l.Length > 0);

    static void RunningHead(Sheet sheet, InvoiceView invoice, Issuer school, IStringLocalizer<InvoiceText> T)
    {
        var continued = T["Pdf.Continued", invoice.Number].Value;
        var width = sheet.Width(continued, 10, sheet.Bold);
        sheet.WriteRight(continued, 10, Right, Top - 10, sheet.Bold);
        sheet.Grey(90);
        sheet.Write(sheet.Fit(school.Name, Body, sheet.Regular, Right - Left - width - 24), Body, Left, Top - 10, sheet.Regular);
        sheet.Black();
        sheet.Rule(Top - 18, 0.5, 160);
        sheet.Y = Top - 30;
    }

    /// <summary>
    /// The lines: a description that wraps, then quantity, unit price and amount right-aligned in columns as wide
    /// as their widest figure, so the largest amounts still fit and the description gets all the rest.
    /// </summary>
    sealed class LineTable
    {
        const double Gap = 18, Inset = 6, HeadingSize = 9;
        readonly Sheet sheet;
        readonly IStringLocalizer<InvoiceText> T;
        readonly double description, descriptionWidth, quantity, unit;

        public double Amount { get; } = Right - Inset;

        /// <summary>Where the amount column starts: the totals and payments line up under it.</summary>
        public double AmountLeft { get; }

        public LineTable(Sheet sheet, InvoiceView invoice, IStringLocalizer<InvoiceText> T)
        {
            this.sheet = sheet;
            this.T = T;
            // At least a usual amount's width, so a short invoice's figures do not huddle against the right edge.
            double Widest(string heading, IEnumerable<string> values, double least) =>
                values.Select(v => sheet.Width(v, Body, sheet.Regular)).Append(sheet.Width(heading, HeadingSize, sheet.Bold)).Append(least).Max();
            var amountWidth = Widest(T["Pdf.Amount"], invoice.Lines.Select(l => Money.Format(l.TotalCents)), 72);
            var unitWidth = Widest(T["Pdf.UnitPrice"], invoice.Lines.Select(l => Money.Format(l.UnitCents)), 66);
            var quantityWidth = Widest(T["Pdf.Quantity"], invoice.Lines.Select(l => l.Quantity.ToString(CultureInfo.CurrentCulture)), 44);
            AmountLeft = Amount - amountWidth;
            unit = AmountLeft - Gap;
            quantity = unit - unitWidth - Gap;
            description = Left + Inset;
            descriptionWidth = quantity - quantityWidth - Gap - description;
        }

        public void Headings()
        {
            sheet.Band(sheet.Y, 20, 232);
            var baseline = sheet.Y - 13.5;
            sheet.Write(T["Pdf.Description"], HeadingSize, description, baseline, sheet.Bold);
            sheet.WriteRight(T["Pdf.Quantity"], HeadingSize, quantity, baseline, sheet.Bold);
            sheet.WriteRight(T["Pdf.UnitPrice"], HeadingSize, unit, baseline, sheet.Bold);
            sheet.WriteRight(T["Pdf.Amount"], HeadingSize, Amount, baseline, sheet.Bold);
            sheet.Y -= 20;
        }

        /// <summary>
        /// A line kept whole on one page; only a label longer than half a page is split, its figures on its first part.
        /// </summary>
        public void Row(InvoiceLine line)
        {
            var labels = sheet.Wrap(line.Label, Body, sheet.Regular, descriptionWidth);
            var first = true;
            while (labels.Count > 0)
            {
                var room = (int)Math.Floor((sheet.Y - Bottom - 6) / Leading);
                if (room < labels.Count && (room < 1 || labels.Count * Leading < (Top - Bottom) / 2))
                {
                    sheet.NewPage();
                    continue;
                }
                var part = labels.Take(room).ToList();
                var baseline = sheet.Y - Leading;
                for (var i = 0; i < part.Count; i++)
                {
                    sheet.Write(part[i], Body, description, baseline - i * Leading, sheet.Regular);
                }
                if (first)
                {
                    sheet.WriteRight(line.Quantity.ToString(CultureInfo.CurrentCulture), Body, quantity, baseline, sheet.Regular);
                    sheet.WriteRight(Money.Format(line.UnitCents), Body, unit, baseline, sheet.Regular);
                    sheet.WriteRight(Money.Format(line.TotalCents), Body, Amount, baseline, sheet.Regular);
                    first = false;
                }
                sheet.Y = baseline - (part.Count - 1) * Leading - 6;
                sheet.Rule(sheet.Y, 0.3, 205);
                labels = labels.Skip(part.Count).ToList();
            }
        }
    }

    /// <summary>Total, credit notes, already paid, and what remains, kept together under the amount column.</summary>
    static void Totals(Sheet sheet, LineTable table, InvoiceView invoice, IStringLocalizer<InvoiceText> T)
    {
        var rows = new List<(string Label, long Cents, Font Font)> { (T["Pdf.Total"], invoice.TotalCents, sheet.Bold) };
        if (invoice.CreditedCents > 0)
        {
            rows.Add((T["Pdf.Credited"], -invoice.CreditedCents, sheet.Regular));
        }
        if (invoice.PaidCents + invoice.RefundedCents > 0)
        {
            rows.Add((T["Pdf.Paid"], -(invoice.PaidCents + invoice.RefundedCents), sheet.Regular));
        }
        if (invoice.RefundedCents > 0)
        {
            rows.Add((T["Pdf.Refunded"], invoice.RefundedCents, sheet.Regular));
        }
        const double row = 16, last = 24;
        sheet.Keep(rows.Count * row + 40);
        var label = Math.Min(Right - 240, table.AmountLeft - 130);
        var baseline = sheet.Y - 8 - row + 4;
        foreach (var (text, cents, font) in rows)
        {
            sheet.Write(text, 10, label, baseline, font);
            sheet.WriteRight(Money.Format(cents), 10, table.Amount, baseline, font);
            baseline -= row;
        }
        baseline -= last - row;
        sheet.Band(baseline + 17, 24, 232, label - 8);
        sheet.Write(T["Pdf.Remaining"], 11.5, label, baseline, sheet.Bold);
        sheet.WriteRight(Money.Format(Math.Max(0, invoice.RemainingCents)), 11.5, table.Amount, baseline, sheet.Bold);
        sheet.Y = baseline - 7 - 4;
    }

    /// <summary>The payments and credit notes received, dated in Brussels time, so a parent recognises their transfer.</summary>
    static void Movements(Sheet sheet, LineTable table, InvoiceView invoice, IStringLocalizer<InvoiceText> T)
    {
        var shown = invoice.Movements.Where(m => (m.Kind == InvoiceMovementKind.Payment && m.AppliedCents != 0) || m.Kind == InvoiceMovementKind.CreditNote)
            .OrderBy(m => m.OccurredAt).ToList();
        if (shown.Count == 0)
        {
            return;
        }
        const double date = Left + 6, detail = Left + 84;
        var detailWidth = table.AmountLeft - 18 - detail;
        sheet.Keep(30 + 2 * Leading + 8);
        sheet.Y -= 24;
        sheet.Write(T["Invoice.Movements"], 10.5, Left, sheet.Y, sheet.Bold);
        sheet.Rule(sheet.Y - 5, 0.5, 160);
        sheet.Y -= 5;
        foreach (var movement in shown)
        {
            var text = T[$"Movement.{movement.Kind}"].Value;
            if (movement.Method is { } method)
            {
                text += $" · {T[$"Method.{method}"]}";
            }
            if ((movement.Note ?? movement.Payer) is { Length: > 0 } note)
            {
                text += $" · {note}";
            }
            if (movement is { Kind: InvoiceMovementKind.CreditNote, ExcessCents: > 0 })
            {
                text += $" · {T[$"Refund.{movement.Excess}", Money.Format(movement.ExcessCents)]}";
            }
            var lines = sheet.Wrap(text, Body, sheet.Regular, detailWidth);
            sheet.Keep(lines.Count * Leading + 6);
            var baseline = sheet.Y - Leading;
            sheet.Write(Day(SchoolTime.Local(movement.OccurredAt)), Body, date, baseline, sheet.Regular);
            for (var i = 0; i < lines.Count; i++)
            {
                sheet.Write(lines[i], Body, detail, baseline - i * Leading, sheet.Regular);
            }
            sheet.WriteRight(Money.Format(movement.Kind == InvoiceMovementKind.CreditNote ? movement.ReceivedCents : movement.AppliedCents), Body,
                table.Amount, baseline, sheet.Regular);
            sheet.Y = baseline - (lines.Count - 1) * Leading - 6;
            sheet.Rule(sheet.Y, 0.3, 205);
        }
    }

    /// <summary>
    /// How to pay what remains, framed like a payment slip: the structured communication, the amount and due
    /// date, the account, and the EPC QR code a banking app fills the transfer from.
    /// </summary>
    static void Payment(Sheet sheet, InvoiceView invoice, Issuer school, IStringLocalizer<InvoiceText> T)
    {
        var remaining = Math.Max(0, invoice.RemainingCents);
        if (remaining == 0)
        {
            var done = invoice.State == InvoiceState.Credited ? T["Pdf.FullyCredited"] : T["Pdf.FullyPaid"];
            var lines = sheet.Wrap(done, 10.5, sheet.Bold, Right - Left);
            sheet.Keep(20 + lines.Count * 14);
            sheet.Y = sheet.Paragraph(done, 10.5, sheet.Bold, Left, Right - Left, sheet.Y - 22, 14);
            return;
        }
        const double padding = 12, qr = 112;
        var account = school.Account?.Iban is { } iban ? school.Account : null;
        var textLeft = Left + padding;
        var textWidth = Right - padding - textLeft - (account is null ? 0 : qr + padding);
        var paragraphs = new List<string> { T["Pdf.PayBefore", Money.Format(remaining), Day(invoice.DueOn)] };
        if (account is not null)
        {
            paragraphs.Add(T["Pdf.Beneficiary", account.Beneficiary ?? school.Name]);
            paragraphs.Add(account.Bic is { } bic ? $"{T["Pdf.Iban", Iban.Format(account.Iban!)]} · {T["Pdf.Bic", bic]}" : T["Pdf.Iban", Iban.Format(account.Iban!)]);
            paragraphs.Add(T["Pdf.Scan"]);
        }
        var textHeight = 14 + 22 + paragraphs.Sum(p => sheet.Wrap(p, Body, sheet.Regular, textWidth).Count * Leading + 4);
        var height = Math.Max(textHeight, account is null ? 0 : qr) + 2 * padding;
        sheet.Keep(18 + height);
        var top = sheet.Y - 18;
        sheet.Frame(top, height);

        var y = top - padding - 9;
        sheet.Grey(90);
        sheet.Write(T["Column.Communication"], 9, textLeft, y, sheet.Regular);
        sheet.Black();
        y -= 22;
        sheet.Write(invoice.Communication.ToString(), 15, textLeft, y, sheet.Bold);
        y -= 8;
        foreach (var paragraph in paragraphs)
        {
            y = sheet.Paragraph(paragraph, Body, sheet.Regular, textLeft, textWidth, y - Leading, Leading) + Leading - 4;
        }
        if (account is not null)
        {
            var payload = EpcQrPayload.For(account.Beneficiary ?? school.Name, account.Iban!, account.Bic, invoice.Communication, remaining);
            sheet.Image(QrCodes.Png(payload, pixelsPerModule: 8), new PdfRectangle(Right - padding - qr, top - padding - qr, Right - padding, top - padding));
        }
        sheet.Y = top - height;
    }

    /// <summary>
    /// The pages being written. <see cref="Y"/> runs down from the top: the top of the next thing to draw.
    /// Text is measured with the font it is drawn in, so right-aligned figures end exactly at their column's edge.
    /// </summary>
    sealed class Sheet(PdfDocumentBuilder document, Font regular, Font bold)
    {
        readonly List<PdfPageBuilder> pages = [];
        PdfPageBuilder page = null!;

        public Font Regular => regular;
        public Font Bold => bold;
        public double Y { get; set; }
        public int PageCount => pages.Count;

        /// <summary>What every page after the first starts with (the invoice number, then the current table's headings).</summary>
        public Action? RunningHead { get; set; }

        public void NewPage()
        {
            page = document.AddPage(PageSize.A4);
            pages.Add(page);
            Y = Top;
            if (pages.Count > 1)
            {
                RunningHead?.Invoke();
            }
        }

        /// <summary>Starts a new page unless something this tall fits above the footer.</summary>
        public void Keep(double height)
        {
            if (Y - height < Bottom)
            {
                NewPage();
            }
        }

        /// <summary>Each page's footer, once the number of pages is known.</summary>
        public void Footers(Func<int, (string Left, string Right)> text)
        {
            for (var number = 1; number <= pages.Count; number++)
            {
                page = pages[number - 1];
                var (left, right) = text(number);
                Rule(54, 0.5, 190);
                Grey(90);
                WriteRight(right, Small, Right, 42, regular);
                Write(Fit(left, Small, regular, Right - Left - Width(right, Small, regular) - 24), Small, Left, 42, regular);
                Black();
            }
        }

        public void Write(string text, double size, double x, double baseline, Font font) =>
            page.AddText(PdfFonts.Printable(text), size, new PdfPoint(x, baseline), font);

        public void WriteRight(string text, double size, double right, double baseline, Font font) =>
            Write(text, size, right - Width(text, size, font), baseline, font);

        /// <summary>Writes text wrapped to a width from a first baseline; answers the baseline a next line would take.</summary>
        public double Paragraph(string text, double size, Font font, double x, double width, double baseline, double leading)
        {
            foreach (var line in Wrap(text, size, font, width))
            {
                Write(line, size, x, baseline, font);
                baseline -= leading;
            }
            return baseline;
        }

        public double Width(string text, double size, Font font) => PdfFonts.Width(page, text, size, font);

        /// <summary>Lines no wider than <paramref name="width"/>; a word longer than a line is cut, after a hyphen when it has one.</summary>
        public List<string> Wrap(string text, double size, Font font, double width)
        {
            var lines = new List<string>();
            var current = "";
            foreach (var word in PdfFonts.Printable(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var longer = current.Length == 0 ? word : $"{current} {word}";
                if (Width(longer, size, font) <= width)
                {
                    current = longer;
                    continue;
                }
                if (current.Length > 0)
                {
                    lines.Add(current);
                }
                current = word;
                while (Width(current, size, font) > width)
                {
                    var cut = Cut(current, size, font, width);
                    lines.Add(current[..cut]);
                    current = current[cut..];
                }
            }
            if (current.Length > 0 || lines.Count == 0)
            {
                lines.Add(current);
            }
            return lines;
        }

        int Cut(string word, double size, Font font, double width)
        {
            var fits = 1;
            while (fits < word.Length - 1 && Width(word[..(fits + 1)], size, font) <= width)
            {
                fits++;
            }
            var hyphen = word.LastIndexOf('-', fits - 1);
            return hyphen > 0 ? hyphen + 1 : fits;
        }

        /// <summary>A text cut short with "…" rather than running into what stands beside it.</summary>
        public string Fit(string text, double size, Font font, double width) => PdfFonts.Fit(text, width, t => Width(t, size, font));

        public void Rule(double y, double thickness, byte shade)
        {
            page.SetStrokeColor(shade, shade, shade);
            page.DrawLine(new PdfPoint(Left, y), new PdfPoint(Right, y), thickness);
            page.ResetColor();
        }

        /// <summary>A grey band from <paramref name="top"/> down, behind a heading or a total.</summary>
        public void Band(double top, double height, byte shade, double from = Left)
        {
            page.SetTextAndFillColor(shade, shade, shade);
            page.SetStrokeColor(shade, shade, shade);
            page.DrawRectangle(new PdfPoint(from, top - height), Right - from, height, 0.1, fill: true);
            page.ResetColor();
        }

        public void Frame(double top, double height)
        {
            page.SetStrokeColor(150, 150, 150);
            page.DrawRectangle(new PdfPoint(Left, top - height), Right - Left, height, 0.7);
            page.ResetColor();
        }

        public void Image(byte[] png, PdfRectangle box) => page.AddPng(png, box);

        public void Grey(byte shade) => page.SetTextAndFillColor(shade, shade, shade);

        public void Black() => page.ResetColor();
    }
}