using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Meetings;

/// <summary>
/// The demo school's meeting evening, two weeks after the first start, with its booking window already open
/// so a newcomer can book, move and cancel at once: Sophie Martin sees the parents of 6A and 4B, Julien
/// Peeters those of 4B and 1C. Only if the demo school has no evening yet.
/// </summary>
public static class DemoMeetings
{
    public static async Task CreateAsync(NpgsqlDataSource db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Once: a start that stopped after this seed and before the next feature's must not add a second evening.
        await using (var any = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM meeting_evenings WHERE school_id = @school)"))
        {
            any.Parameters.AddWithValue("school", DemoSchool.Id);
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken))!)
            {
                return;
            }
        }
        var day = SchoolTime.Day(now).AddDays(14);
        var teachers = new List<MeetingTeacher>();
        foreach (var (userName, room, classes) in new[] { ("sophie.martin", "Local 12", new[] { "6A", "4B" }), ("julien.peeters", "Local 7", ["4B", "1C"]) })
        {
            await using var find = db.CreateCommand("SELECT id FROM users WHERE school_id = @school AND user_name = @name");
            find.Parameters.AddWithValue("school", DemoSchool.Id);
            find.Parameters.AddWithValue("name", userName);
            if (await find.ExecuteScalarAsync(cancellationToken) is Guid id)
            {
                teachers.Add(new MeetingTeacher(id, userName, room, classes));
            }
        }
        await new MeetingEvenings(db).CreateAsync(new MeetingEvening(Guid.CreateVersion7(), DemoSchool.Id, "Réunion de parents du printemps", [day],
            new TimeOnly(17, 0), new TimeOnly(20, 0), 10, now.AddHours(-1), SchoolTime.Moment(day, new TimeOnly(12, 0)),
            MaxPerPupil: null, MaxPerParentPerTeacher: 2, GapBetween: false, teachers), now, cancellationToken);
    }
}