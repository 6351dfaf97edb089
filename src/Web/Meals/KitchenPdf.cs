using ItSchool.Meals;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Meals;

/// <summary>
/// A day's meals on A4 for the kitchen's wall, written with PdfPig: the totals per article with what the till
/// served, the counts per class and article, and the pupils with declared allergies, whose list is never cut
/// short (a name or an allergen that does not fit goes on the next line, a row that does not fit on the next page).
/// </summary>
public static class KitchenPdf
{
    const double Top = 800, Bottom = 64, Left = 48, Right = 547, Row = 17;

    public static byte[] Render(string schoolName, KitchenDay day, DateTimeOffset printedAt, IStringLocalizer<KitchenText> K, IStringLocalizer<MealText> M)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var writer = new Writer(document, regular, bold);
        var title = K["Pdf.Title", KitchenPages.LongDate(day.Day)];
        writer.Text(schoolName, 10, Left, writer.Y, regular);
        writer.Y -= 22;
        writer.Text(title, 16, Left, writer.Y, bold);
        writer.Y -= 28;
        var articles = day.Articles.Where(a => !a.Withdrawn || day.Booked(a.Code) > 0).ToList();
        if (day.Closed is { } reason)
        {
            writer.Text(K["Closed", M[$"Closure.{reason}"]], 12, Left, writer.Y, bold);
            writer.Y -= 28;
        }
        else if (articles.Count == 0)
        {
            writer.Text(K["Counts.NoMenu"], 11, Left, writer.Y, regular);
            writer.Y -= 28;
        }
        else
        {
            Totals(writer, day, articles, K);
            if (day.Booked() > 0)
            {
                Counts(writer, day, articles, K);
            }
        }
        Allergies(writer, day, K, M);

        var local = SchoolTime.Local(printedAt);
        var printed = K["Pdf.Printed", local.ToString("dd/MM/yyyy"), local.ToString("HH:mm")];
        for (var number = 1; number <= writer.Pages.Count; number++)
        {
            writer.Footer(writer.Pages[number - 1], $"{schoolName} - {title}", $"{printed} · {K["Pdf.Page", number, writer.Pages.Count]}");
        }
        return document.Build();
    }

    /// <summary>One line per article: how many to prepare, how many the till served.</summary>
    static void Totals(Writer writer, KitchenDay day, IReadOnlyList<KitchenArticle> articles, IStringLocalizer<KitchenText> K)
    {
        foreach (var article in articles)
        {
            writer.Room(Row);
            var count = day.Booked(article.Code).ToString(SchoolTime.Culture);
            writer.Text(count, 13, Left + 30 - writer.Width(count, 13, true), writer.Y, writer.Bold);
            writer.Text(article.Withdrawn ? $"{article.Label} ({K["Counts.Withdrawn"]})" : article.Label, 12, Left + 40, writer.Y, writer.Bold);
            var served = $"{K["Counts.Served"]} {K["Counts.ServedOf", day.Served(article.Code), day.Booked(article.Code)]}";
            writer.Text(served, 10, Right - writer.Width(served, 10, false), writer.Y, writer.Regular);
            writer.Y -= Row + 3;
        }
        writer.Y -= 12;
    }

    /// <summary>The class per class table, its columns shared by the articles; labels too long are cut with "…" (the totals above name them whole).</summary>
    static void Counts(Writer writer, KitchenDay day, IReadOnlyList<KitchenArticle> articles, IStringLocalizer<KitchenText> K)
    {
        const double classWidth = 80, totalWidth = 60;
        var width = (Right - Left - classWidth - totalWidth) / articles.Count;
        double RightOf(int column) => Left + classWidth + width * (column + 1);
        void Headings()
        {
            writer.Room(Row * 2);
            writer.Text(K["Counts.Class"], 9.5, Left, writer.Y, writer.Bold);
            for (var i = 0; i < articles.Count; i++)
            {
                var label = writer.Fit(articles[i].Label, 9.5, width - 8, true);
                writer.Text(label, 9.5, RightOf(i) - writer.Width(label, 9.5, true), writer.Y, writer.Bold);
            }
            writer.Text(K["Counts.Total"], 9.5, Right - writer.Width(K["Counts.Total"], 9.5, true), writer.Y, writer.Bold);
            writer.Line(writer.Y - 5, 0.8, 0);
            writer.Y -= Row + 4;
        }
        void Line(string name, Func<string?, int> count, bool strong)
        {
            if (writer.Room(Row))
            {
                Headings();
            }
            var font = strong ? writer.Bold : writer.Regular;
            writer.Text(name, 10, Left, writer.Y, font);
            for (var i = 0; i < articles.Count; i++)
            {
                var text = count(articles[i].Code).ToString(SchoolTime.Culture);
                writer.Text(text, 10, RightOf(i) - writer.Width(text, 10, strong), writer.Y, font);
            }
            var total = count(null).ToString(SchoolTime.Culture);
            writer.Text(total, 10, Right - writer.Width(total, 10, strong), writer.Y, font);
            writer.Line(writer.Y - 5, 0.3, 220);
            writer.Y -= Row;
        }
        Headings();
        foreach (var className in day.Classes)
        {
            Line(className, code => day.Booked(code, className), false);
        }
        Line(K["Counts.Total"], code => day.Booked(code), true);
        writer.Y -= 20;
    }

    static void Allergies(Writer writer, KitchenDay day, IStringLocalizer<KitchenText> K, IStringLocalizer<MealText> M)
    {
        writer.Room(Row * 3);
        writer.Text(K["Allergies.Title"], 13, Left, writer.Y, writer.Bold);
        writer.Y -= 22;
        if (day.Allergies.Count == 0)
        {
            writer.Text(K["Allergies.None"], 10, Left, writer.Y, writer.Regular);
            return;
        }
        double[] columns = [Left, Left + 150, Left + 200, Left + 320];
        void Headings()
        {
            writer.Text(K["Allergies.Pupil"], 9.5, columns[0], writer.Y, writer.Bold);
            writer.Text(K["Allergies.Class"], 9.5, columns[1], writer.Y, writer.Bold);
            writer.Text(K["Allergies.Article"], 9.5, columns[2], writer.Y, writer.Bold);
            writer.Text(K["Allergies.Allergens"], 9.5, columns[3], writer.Y, writer.Bold);
            writer.Line(writer.Y - 5, 0.8, 0);
            writer.Y -= Row + 4;
        }
        Headings();
        foreach (var pupil in day.Allergies)
        {
            var inMeal = pupil.Allergies & pupil.ArticleAllergens;
            var names = writer.Wrap(pupil.PupilName, 10, columns[1] - columns[0] - 6, true);
            var meal = writer.Wrap(pupil.ArticleLabel, 10, columns[3] - columns[2] - 6, false);
            var allergens = writer.Wrap(KitchenPages.AllergenNames(pupil.Allergies, M), 10, Right - columns[3], false);
            var warning = inMeal == Allergens.None ? new List<string>() : writer.Wrap(K["Allergies.InMeal", KitchenPages.AllergenNames(inMeal, M)], 10, Right - columns[3], true);
            var lines = Math.Max(Math.Max(names.Count, meal.Count), allergens.Count + warning.Count);
            if (writer.Room(lines * 13 + 6))
            {
                Headings();
            }
            var y = writer.Y;
            for (var i = 0; i < names.Count; i++)
            {
                writer.Text(names[i], 10, columns[0], y - i * 13, writer.Bold);
            }
            writer.Text(pupil.ClassName, 10, columns[1], y, writer.Regular);
            for (var i = 0; i < meal.Count; i++)
            {
                writer.Text(meal[i], 10, columns[2], y - i * 13, writer.Regular);
            }
            for (var i = 0; i < allergens.Count; i++)
            {
                writer.Text(allergens[i], 10, columns[3], y - i * 13, writer.Regular);
            }
            for (var i = 0; i < warning.Count; i++)
            {
                writer.Text(warning[i], 10, columns[3], y - (allergens.Count + i) * 13, writer.Bold);
            }
            writer.Y -= lines * 13;
            writer.Line(writer.Y + 8, 0.3, 220);
            writer.Y -= 10;
        }
    }

    /// <summary>The document being written top to bottom, page after page; <see cref="Y"/> is where the next line's baseline goes.</summary>
    sealed class Writer(PdfDocumentBuilder document, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold)
    {
        public List<PdfPageBuilder> Pages { get; } = [document.AddPage(PageSize.A4)];
        public double Y { get; set; } = Top;
        public PdfDocumentBuilder.AddedFont Regular => regular;
        public PdfDocumentBuilder.AddedFont Bold => bold;

        PdfPageBuilder Page => Pages[^1];

        /// <summary>Starts a new page when <paramref name="height"/> does not fit on this one; true when it did.</summary>
        public bool Room(double height)
        {
            if (Y - height >= Bottom)
            {
                return false;
            }
            Pages.Add(document.AddPage(PageSize.A4));
            Y = Top;
            return true;
        }

        public void Text(string text, double size, double x, double y, PdfDocumentBuilder.AddedFont font) =>
            Page.AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);

        public void Line(double y, double thickness, byte grey)
        {
            Page.SetStrokeColor(grey, grey, grey);
            Page.DrawLine(new PdfPoint(Left, y), new PdfPoint(Right, y), thickness);
            Page.ResetColor();
        }

        public double Width(string text, double size, bool strong) =>
            PdfFonts.Width(Page, text, size, strong ? bold : regular);

        public string Fit(string text, double size, double room, bool strong)
        {
            if (Width(text, size, strong) <= room)
            {
                return text;
            }
            var length = text.Length;
            while (length > 1 && Width(text[..length] + "…", size, strong) > room)
            {
                length--;
            }
            return text[..length].TrimEnd() + "…";
        }

        /// <summary>The text in lines no wider than <paramref name="room"/>, broken between words (a word too long alone keeps its line).</summary>
        public List<string> Wrap(string text, double size, double room, bool strong)
        {
            var lines = new List<string>();
            var line = "";
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var longer = line.Length == 0 ? word : $"{line} {word}";
                if (line.Length > 0 && Width(longer, size, strong) > room)
                {
                    lines.Add(line);
                    line = word;
                }
                else
                {
                    line = longer;
                }
            }
            lines.Add(line);
            return lines;
        }

        public void Footer(PdfPageBuilder page, string left, string right)
        {
            page.SetTextAndFillColor(90, 90, 90);
            page.AddText(PdfFonts.Printable(left), 8, new PdfPoint(Left, 36), regular);
            var printable = PdfFonts.Printable(right);
            var width = PdfFonts.Width(page, printable, 8, regular);
            page.AddText(printable, 8, new PdfPoint(Right - width, 36), regular);
            page.ResetColor();
        }
    }
}