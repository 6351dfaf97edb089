using System.Globalization;
using ItSchool.Absences;
using ItSchool.Accounts;
using ItSchool.Pupils;
using ItSchool.Schools;
using ItSchool.Web.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Absences;

/// <summary>
/// The school's class register: a class, a day and a half-day chosen, its pupils as boxes to tick; saving writes that
/// half-day of that class at once. A pupil of another class or school in the post refuses the whole save.
/// </summary>
public static class SchoolAbsencePages
{
    public const string Root = "gestion/absences";

    public static void MapSchoolAbsences(this RouteGroupBuilder school)
    {
        var admin = school.MapGroup("/" + Root).RequireAuthorization(nameof(Role.Manager));

        admin.MapGet("", async (HttpContext context, AbsenceRegister register, PupilRegistry pupils, TimeProvider clock) =>
        {
            var query = context.Request.Query;
            var day = query.ContainsKey("Day") ? Day(query["Day"]) : LastSchoolDay(clock);
            var part = query.ContainsKey("Part") ? Part(query["Part"]) : DefaultPart(clock);
            if (day is null || part is null)
            {
                return Results.BadRequest();
            }
            return await PageAsync(context, register, pupils, query["Class"].ToString(), day.Value, part.Value, null, clock);
        });

        admin.MapPost("", async (HttpContext context, AbsenceRegister register, PupilRegistry pupils, TimeProvider clock) =>
        {
            var posted = await context.Request.ReadFormAsync(context.RequestAborted);
            var className = posted["Class"].ToString();
            if (Day(posted["Day"]) is not { } day || Part(posted["Part"]) is not { } part)
            {
                return Results.BadRequest();
            }
            var ticked = new List<Guid>();
            foreach (var value in posted["Absent"])
            {
                if (!Guid.TryParse(value, out var id))
                {
                    return await PageAsync(context, register, pupils, className, day, part, "Problem.NotInClass", clock);
                }
                ticked.Add(id);
            }
            var user = SignedInUser.From(context.User)!;
            var saved = await register.SaveRegisterAsync(context.School()!.Id, className, day, part, ticked, user.DisplayName, clock.GetUtcNow(),
                context.RequestAborted);
            return saved.Refusal switch
            {
                RegisterRefusal.UnknownClass => Results.NotFound(),
                RegisterRefusal.NotInClass => await PageAsync(context, register, pupils, className, day, part, "Problem.NotInClass", clock),
                RegisterRefusal.NotASchoolDay => await PageAsync(context, register, pupils, className, day, part, "Problem.NotASchoolDay", clock),
                RegisterRefusal.Future => await PageAsync(context, register, pupils, className, day, part, "Problem.Future", clock),
                _ => Flash.Redirect(context, $"{Root}?Class={Uri.EscapeDataString(className)}&Day={day:yyyy-MM-dd}&Part={PartWord(part)}",
                    saved.Absent switch { 0 => "saved-none", 1 => "saved-one", _ => "saved" }, saved.Absent),
            };
        });
    }

    static async Task<IResult> PageAsync(HttpContext context, AbsenceRegister register, PupilRegistry pupils, string className, DateOnly day, AbsencePart part,
        string? problem, TimeProvider clock)
    {
        var schoolId = context.School()!.Id;
        var classes = await pupils.ClassesAsync(schoolId, context.RequestAborted);
        if (className.Length > 0 && !classes.Contains(className))
        {
            return Results.NotFound();
        }
        // A weekend has no register: its page says so rather than offering boxes nobody may save.
        var schoolDay = SchoolDays.IsSchoolDay(day);
        problem ??= schoolDay ? null : "Problem.NotASchoolDay";
        var lines = className.Length > 0 && schoolDay ? await register.RegisterAsync(schoolId, className, day, part, context.RequestAborted) : [];
        return new RazorComponentResult<SchoolAbsencesPage>(new
        {
            Classes = classes,
            ClassName = className,
            Day = day,
            Part = part,
            Lines = lines,
            Problem = problem,
            Today = SchoolTime.Today(clock),
        });
    }

    public static string PartWord(AbsencePart part) => part == AbsencePart.Afternoon ? "afternoon" : "morning";

    static AbsencePart? Part(string? word) => word switch
    {
        "morning" => AbsencePart.Morning,
        "afternoon" => AbsencePart.Afternoon,
        _ => null,
    };

    // Today's register, or on a weekend the Friday's.
    static DateOnly LastSchoolDay(TimeProvider clock) =>
        SchoolDays.IsSchoolDay(SchoolTime.Today(clock)) ? SchoolTime.Today(clock) : SchoolDays.Next(SchoolTime.Today(clock), -1);

    // The register of the half-day under way: the afternoon's from noon.
    static AbsencePart DefaultPart(TimeProvider clock) => SchoolTime.Local(clock.GetUtcNow()).Hour >= 12 ? AbsencePart.Afternoon : AbsencePart.Morning;

    static DateOnly? Day(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}