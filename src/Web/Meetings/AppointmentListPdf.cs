using ItSchool.Meetings;
using ItSchool.Schools;
using ItSchool.Web.Management;
using ItSchool.Web.Platform;
using Microsoft.Extensions.Localization;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace ItSchool.Web.Meetings;

/// <summary>
/// A meeting evening's appointments as an A4 PDF, written with PdfPig: for each teacher, a header (school,
/// evening, teacher, room, dates and hours) and one row per slot in time order, with a heading for each date
/// when the evening has several. Each teacher starts on a new page and has their own page numbers, so the
/// school can print the whole evening and hand every teacher their sheets.
/// </summary>
public static class AppointmentListPdf
{
    /// <summary>One teacher's part: their grid and the names of who booked it.</summary>
    public sealed record TeacherList(MeetingTeacher Teacher, TimetableGrid Grid, IReadOnlyList<AppointmentLine> Lines);

    public static byte[] Render(string schoolName, MeetingEvening evening, IEnumerable<TeacherList> teachers, DateTimeOffset printedAt,
        IStringLocalizer<MeetingText> M)
    {
        using var document = new PdfDocumentBuilder();
        var (regular, bold) = PdfFonts.AddTo(document);
        var local = SchoolTime.Local(printedAt);
        var printed = M["Pdf.Printed", local.ToString("dd/MM/yyyy"), local.ToString("HH:mm")];
        foreach (var teacher in teachers)
        {
            var pages = Paginate(evening, teacher.Grid);
            for (var number = 1; number <= pages.Count; number++)
            {
                var sheet = new Sheet(document.AddPage(PageSize.A4), regular, bold);
                var y = number == 1 ? sheet.Letterhead(schoolName, evening, teacher.Teacher, M) : sheet.RunningHead(evening, teacher.Teacher);
                y = sheet.ColumnHeadings(y, evening, M);
                foreach (var row in pages[number - 1])
                {
                    y = row.Slot is { } slot
                        ? sheet.SlotRow(y, evening, slot, teacher.Lines.FirstOrDefault(l => l.Slot == slot.Index && l.ParentId == slot.ParentId), M)
                        : sheet.DateHeading(y, row.Day, row.Continued, M);
                }
                sheet.Footer($"{teacher.Teacher.Name} - {evening.Name}", $"{printed} · {M["Pdf.Page", number, pages.Count]}");
            }
        }
        return document.Build();
    }

    /// <summary>A row of the table: a slot, or the heading of a date (again at the top of a page the date runs onto).</summary>
    sealed record Row(DateOnly Day, Slot? Slot = null, bool Continued = false);

    const double Top = 800, Bottom = 64, RowHeight = 17, HeadingHeight = 24, LetterheadHeight = 96, RunningHeadHeight = 26, ColumnsHeight = 22;

    /// <summary>
    /// Rows split into pages before anything is drawn, since every footer says how many pages there are.
    /// A date's heading never ends a page on its own.
    /// </summary>
    static List<List<Row>> Paginate(MeetingEvening evening, TimetableGrid grid)
    {
        var byDate = evening.Days.Count > 1;
        var pages = new List<List<Row>> { new() };
        var room = Top - Bottom - LetterheadHeight - ColumnsHeight;
        DateOnly? day = null;
        foreach (var slot in grid.Slots.Where(s => s.Index < evening.SlotCount).OrderBy(s => s.Index))
        {
            var rows = new List<Row>();
            if (byDate && evening.SlotDay(slot.Index) != day)
            {
                day = evening.SlotDay(slot.Index);
                rows.Add(new Row(day.Value));
            }
            rows.Add(new Row(evening.SlotDay(slot.Index), slot));
            var height = rows.Sum(r => r.Slot is null ? HeadingHeight : RowHeight);
            if (height > room && pages[^1].Count > 0)
            {
                pages.Add([]);
                room = Top - Bottom - RunningHeadHeight - ColumnsHeight;
                if (byDate && rows[0].Slot is not null)
                {
                    rows.Insert(0, new Row(rows[0].Day, Continued: true));
                    height += HeadingHeight;
                }
            }
            pages[^1].AddRange(rows);
            room -= height;
        }
        return pages;
    }

    /// <summary>One page being drawn; y runs down from the top, each method answers where the next thing goes.</summary>
    sealed class Sheet(PdfPageBuilder page, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold)
    {
        const double Left = 48, Right = 547;

        public double Letterhead(string schoolName, MeetingEvening evening, MeetingTeacher teacher, IStringLocalizer<MeetingText> M)
        {
            Write(schoolName, 10, Left, Top, regular);
            Write(evening.Name, 16, Left, Top - 22, bold);
            var who = string.IsNullOrEmpty(teacher.Room) ? teacher.Name : $"{teacher.Name} · {M["Room", teacher.Room]}";
            Write(who, 13, Left, Top - 44, bold);
            Write($"{MeetingAnswers.Dates(M, evening)} · {evening.Starts:HH:mm}–{evening.Ends:HH:mm}", 10, Left, Top - 62, regular);
            return Top - LetterheadHeight;
        }

        public double RunningHead(MeetingEvening evening, MeetingTeacher teacher)
        {
            Write($"{evening.Name} - {teacher.Name}", 10, Left, Top, bold);
            return Top - RunningHeadHeight;
        }

        public double ColumnHeadings(double y, MeetingEvening evening, IStringLocalizer<MeetingText> M)
        {
            var columns = Columns(evening);
            Write(M["List.Time"], 9.5, columns[0], y, bold);
            Write(M["List.Parent"], 9.5, columns[1], y, bold);
            Write(M["List.Pupil"], 9.5, columns[2], y, bold);
            Write(M["List.Class"], 9.5, columns[3], y, bold);
            page.DrawLine(new PdfPoint(Left, y - 5), new PdfPoint(Right, y - 5), 0.8);
            return y - ColumnsHeight;
        }

        public double DateHeading(double y, DateOnly day, bool continued, IStringLocalizer<MeetingText> M)
        {
            var date = day.ToString("dddd d MMMM yyyy");
            Write(continued ? M["Pdf.Continued", date] : date, 11, Left, y - 6, bold);
            page.DrawLine(new PdfPoint(Left, y - 10), new PdfPoint(Right, y - 10), 0.5);
            return y - HeadingHeight;
        }

        public double SlotRow(double y, MeetingEvening evening, Slot slot, AppointmentLine? line, IStringLocalizer<MeetingText> M)
        {
            var columns = Columns(evening);
            var day = evening.Days.Count > 1 ? evening.SlotDay(slot.Index).ToString("ddd d/M") + " " : "";
            var time = $"{day}{evening.SlotStart(slot.Index):HH:mm}–{evening.SlotEnd(slot.Index):HH:mm}";
            switch (slot.State)
            {
                case SlotState.Booked:
                    Write(time, 10, columns[0], y, regular);
                    Write(Fit(line?.ParentName ?? "", columns[2] - columns[1]), 10, columns[1], y, regular);
                    Write(Fit(line?.PupilName ?? "", columns[3] - columns[2]), 10, columns[2], y, regular);
                    Write(Fit(line?.ClassName ?? "", Right - columns[3]), 10, columns[3], y, regular);
                    break;
                case SlotState.Break:
                    page.SetTextAndFillColor(232, 232, 232);
                    page.SetStrokeColor(232, 232, 232);
                    page.DrawRectangle(new PdfPoint(Left, y - 5), Right - Left, RowHeight, 0.1, fill: true);
                    page.ResetColor();
                    Write(time, 10, columns[0], y, regular);
                    Write(M["Break"], 10, columns[1], y, bold);
                    break;
                default:
                    // Free slots stay readable but step back, so the eye runs over the appointments.
                    page.SetTextAndFillColor(160, 160, 160);
                    Write(time, 10, columns[0], y, regular);
                    Write(M["Grid.Free"], 10, columns[1], y, regular);
                    page.ResetColor();
                    break;
            }
            page.SetStrokeColor(220, 220, 220);
            page.DrawLine(new PdfPoint(Left, y - 5), new PdfPoint(Right, y - 5), 0.3);
            page.ResetColor();
            return y - RowHeight;
        }

        public void Footer(string left, string right)
        {
            page.SetTextAndFillColor(90, 90, 90);
            Write(left, 8, Left, 36, regular);
            Write(right, 8, Right - Width(right, 8, regular), 36, regular);
            page.ResetColor();
        }

        /// <summary>Where the time, parent, pupil and class columns start; a time with its date needs more room.</summary>
        static double[] Columns(MeetingEvening evening)
        {
            var parent = Left + (evening.Days.Count > 1 ? 118 : 82);
            var rest = Right - parent;
            return [Left, parent, parent + rest * 0.42, parent + rest * 0.84];
        }

        void Write(string text, double size, double x, double y, PdfDocumentBuilder.AddedFont font) =>
            page.AddText(PdfFonts.Printable(text), size, new PdfPoint(x, y), font);

        double Width(string text, double size, PdfDocumentBuilder.AddedFont font) => PdfFonts.Width(page, text, size, font);

        /// <summary>A name cut short with "…" rather than running into the next column.</summary>
        string Fit(string text, double width) => PdfFonts.Fit(text, width - 8, t => Width(t, 10, regular));
    }
}