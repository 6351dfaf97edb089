using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Meetings;

/// <summary>
/// "Récapitulatif de vos rendez-vous": one evening's appointments of a family as an A4 PDF, written with PdfPig like
/// <see cref="AppointmentListPdf"/>. It is what a guardian takes along on the evening: when, with whom, where, for which
/// child, and which guardian booked it (so that a co-guardian's appointment is not a surprise).
/// </summary>
public static class FamilySummaryPdf
{
    const double Top = 800, Bottom = 64, RowHeight = 17, LetterheadHeight = 96, RunningHeadHeight = 26, ColumnsHeight = 22;

    public static byte[] Render(string schoolName, MeetingEvening evening, IEnumerable<AppointmentLine> lines, DateTimeOffset printedAt,
        IStringLocalizer<MeetingText> M)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var local = SchoolTime.Local(printedAt);
        var printed = M["Pdf.Printed", local.ToString("dd/MM/yyyy"), local.ToString("HH:mm")];
        var pages = Paginate(lines.OrderBy(l => l.Slot).ThenBy(l => evening.Teacher(l.TeacherId)?.Name).ToList());
        for (var number = 1; number <= pages.Count; number++)
        {
            var sheet = new Sheet(document.AddPage(PageSize.A4), regular, bold);
            var y = number == 1 ? sheet.Letterhead(schoolName, evening, M) : sheet.RunningHead(evening, M);
            y = sheet.ColumnHeadings(y, M);
            foreach (var line in pages[number - 1])
            {
                y = sheet.Row(y, evening, line);
            }
            sheet.Footer($"{M["Summary.Title"]} - {evening.Name}", $"{printed} · {M["Pdf.Page", number, pages.Count]}");
        }
        return document.Build();
    }

    /// <summary>Rows split into pages before anything is drawn, since every footer says how many pages there are.</summary>
    static List<List<AppointmentLine>> Paginate(List<AppointmentLine> lines)
    {
        var first = (int)((Top - Bottom - LetterheadHeight - ColumnsHeight) / RowHeight);
        var next = (int)((Top - Bottom - RunningHeadHeight - ColumnsHeight) / RowHeight);
        var pages = new List<List<AppointmentLine>> { lines.Take(first).ToList() };
        for (var from = first; from < lines.Count; from += next)
        {
            pages.Add(lines.Skip(from).Take(next).ToList());
        }
        return pages;
    }

    /// <summary>One page being drawn; y runs down from the top, each method answers where the next thing goes.</summary>
    sealed class Sheet(PdfPageBuilder page, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold)
    {
        const double Left = 48, Right = 547;

        /// <summary>Where the date and time, teacher, room, child and booker columns start: the time carries its date, so it needs the most room.</summary>
        static readonly double[] Columns = [Left, Left + 128, Left + 226, Left + 294, Left + 396];

        public double Letterhead(string schoolName, MeetingEvening evening, IStringLocalizer<MeetingText> M)
        {
            Write(schoolName, 10, Left, Top, regular);
            Write(M["Summary.Title"], 16, Left, Top - 22, bold);
            Write(Fit(evening.Name, 13, bold, Right - Left), 13, Left, Top - 44, bold);
            Write($"{MeetingAnswers.Dates(M, evening)} · {evening.Starts:HH:mm}–{evening.Ends:HH:mm}", 10, Left, Top - 62, regular);
            return Top - LetterheadHeight;
        }

        public double RunningHead(MeetingEvening evening, IStringLocalizer<MeetingText> M)
        {
            Write(Fit($"{M["Summary.Title"]} - {evening.Name}", 10, bold, Right - Left), 10, Left, Top, bold);
            return Top - RunningHeadHeight;
        }

        public double ColumnHeadings(double y, IStringLocalizer<MeetingText> M)
        {
            string[] headings = [M["Summary.When"], M["Summary.Teacher"], M["Summary.Room"], M["List.Pupil"], M["Summary.BookedBy"]];
            for (var column = 0; column < headings.Length; column++)
            {
                Write(Fit(headings[column], 9.5, bold, Room(column)), 9.5, Columns[column], y, bold);
            }
            page.DrawLine(new PdfPoint(Left, y - 5), new PdfPoint(Right, y - 5), 0.8);
            return y - ColumnsHeight;
        }

        public double Row(double y, MeetingEvening evening, AppointmentLine line)
        {
            var teacher = evening.Teacher(line.TeacherId);
            var when = $"{evening.SlotDay(line.Slot):ddd d/M} {evening.SlotStart(line.Slot):HH:mm}–{evening.SlotEnd(line.Slot):HH:mm}";
            string[] cells = [when, teacher?.Name ?? "", teacher?.Room ?? "", line.PupilName, line.ParentName];
            for (var column = 0; column < cells.Length; column++)
            {
                Write(Fit(cells[column], 10, regular, Room(column)), 10, Columns[column], y, regular);
            }
            page.SetStrokeColor(220, 220, 220);
            page.DrawLine(new PdfPoint(Left, y - 5), new PdfPoint(Right, y - 5), 0.3);
            page.ResetColor();
            return y - RowHeight;
        }

        public void Footer(string left, string right)
        {
            page.SetTextAndFillColor(90, 90, 90);
            var rightWidth = Width(right, 8, regular);
            Write(Fit(left, 8, regular, Right - Left - rightWidth - 12), 8, Left, 36, regular);
            Write(right, 8, Right - rightWidth, 36, regular);
            page.ResetColor();
        }

        /// <summary>A column's width less a gap, so that a long name stops short of the next column.</summary>
        static double Room(int column) => (column + 1 < Columns.Length ? Columns[column + 1] : Right) - Columns[column] - 8;

        void Write(string text, double size, double x, double y, PdfDocumentBuilder.AddedFont font) =>
            page.AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);

        double Width(string text, double size, PdfDocumentBuilder.AddedFont font) => PdfFonts.Width(page, text, size, font);

        string Fit(string text, double size, PdfDocumentBuilder.AddedFont font, double room) =>
            PdfFonts.Fit(text, room, t => Width(t, size, font));
    }
}