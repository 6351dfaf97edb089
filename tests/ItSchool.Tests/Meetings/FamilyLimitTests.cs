using ItSchool.Meetings;

namespace ItSchool.Tests.Meetings;

/// <summary>
/// A pupil's family is the pupil's guardians: the limit per teacher and the overlaps count their appointments
/// together, whichever of them books, also when both book at the same moment.
/// </summary>
[Collection(MeetingRushes.Name)]
public sealed class FamilyLimitTests(MeetingCluster meetings) : IClassFixture<MeetingCluster>
{
    /// <summary>A mother and a father who are both guardians of two children.</summary>
    async Task<(Guid Mother, Guid Father, Guid Pupil, Guid Sibling)> TwoGuardiansAsync()
    {
        var (mother, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var (father, sibling) = (await meetings.NewFamiliesAsync(1))[0];
        await meetings.AddGuardianAsync(pupil, father);
        await meetings.AddGuardianAsync(sibling, mother);
        return (mother, father, pupil, sibling);
    }

    [Fact]
    public async Task Two_guardians_cannot_each_book_the_same_teacher_for_their_children()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(maxPerParentPerTeacher: 1);
        var (mother, father, pupil, sibling) = await TwoGuardiansAsync();
        var other = (await meetings.NewFamiliesAsync(1))[0];
        Assert.True((await meetings.Grains.Agenda(evening.Id, mother).BookAsync(teachers[0], pupil, 0)).Done);

        var again = await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[0], pupil, 6);
        Assert.Equal(Refusal.TeacherLimitReached, again.Reason);
        Assert.Equal(SlotState.Free, again.Grid.Slots[6].State);
        Assert.Equal(Refusal.TeacherLimitReached, (await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[0], sibling, 7)).Reason);
        Assert.Equal(1, await meetings.RowsAsync(evening.Id, teachers[0]));
        // Another teacher, or another family, is not held back.
        Assert.True((await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[1], pupil, 6)).Done);
        Assert.True((await meetings.Grains.Agenda(evening.Id, other.Parent).BookAsync(teachers[0], other.Pupil, 7)).Done);

        // Once the mother cancels, the father may book that teacher.
        Assert.True((await meetings.Grains.Agenda(evening.Id, mother).CancelAsync(teachers[0], 0)).Done);
        Assert.True((await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[0], sibling, 9)).Done);
        Assert.Equal(father, (await meetings.Grains.Timetable(evening.Id, teachers[0]).GetGridAsync()).Slots[9].ParentId);
    }

    [Fact]
    public async Task A_guardian_cannot_book_over_or_beside_the_other_guardians_appointment_nor_move_onto_it()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 2, gap: true, maxPerParentPerTeacher: 2);
        var (mother, father, pupil, _) = await TwoGuardiansAsync();
        var motherAgenda = meetings.Grains.Agenda(evening.Id, mother);
        var fatherAgenda = meetings.Grains.Agenda(evening.Id, father);
        Assert.True((await motherAgenda.BookAsync(teachers[0], pupil, 4)).Done);

        Assert.Equal(Refusal.OverlapsOwnAppointment, (await fatherAgenda.BookAsync(teachers[1], pupil, 4)).Reason);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await fatherAgenda.BookAsync(teachers[1], pupil, 5)).Reason);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await fatherAgenda.BookAsync(teachers[1], pupil, 3)).Reason);
        Assert.Equal(0, await meetings.RowsAsync(evening.Id, teachers[1]));
        Assert.True((await fatherAgenda.BookAsync(teachers[1], pupil, 7)).Done);

        Assert.Equal(Refusal.OverlapsOwnAppointment, (await fatherAgenda.MoveAsync(teachers[1], 7, 4)).Reason);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await motherAgenda.MoveAsync(teachers[0], 4, 8)).Reason);
        var grid = await meetings.Grains.Timetable(evening.Id, teachers[1]).GetGridAsync();
        Assert.Equal(SlotState.Booked, grid.Slots[7].State);
        Assert.Equal(SlotState.Free, grid.Slots[4].State);
        Assert.Equal(4, (await motherAgenda.GetAppointmentsAsync()).Single().Slot);
    }

    [Fact]
    public async Task A_family_is_the_pupils_guardians_not_everyone_linked_to_them()
    {
        // Anne guards Xavier and Yasmine; Bruno guards Xavier only, Carla Yasmine only.
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 2, maxPerParentPerTeacher: 1);
        var (anne, xavier) = (await meetings.NewFamiliesAsync(1))[0];
        var (carla, yasmine) = (await meetings.NewFamiliesAsync(1))[0];
        var bruno = (await meetings.NewFamiliesAsync(1))[0].Parent;
        await meetings.AddGuardianAsync(yasmine, anne);
        await meetings.AddGuardianAsync(xavier, bruno);
        Assert.True((await meetings.Grains.Agenda(evening.Id, carla).BookAsync(teachers[0], yasmine, 2)).Done);

        // Xavier's family (Anne and Bruno) holds nothing with that teacher yet, nor anything at 17:20.
        Assert.True((await meetings.Grains.Agenda(evening.Id, bruno).BookAsync(teachers[0], xavier, 5)).Done);
        Assert.True((await meetings.Grains.Agenda(evening.Id, bruno).BookAsync(teachers[1], xavier, 2)).Done);
        // Anne is in both families: Bruno's appointment counts for Xavier, Carla's for Yasmine.
        Assert.Equal(Refusal.TeacherLimitReached, (await meetings.Grains.Agenda(evening.Id, anne).BookAsync(teachers[0], xavier, 8)).Reason);
        Assert.Equal(Refusal.TeacherLimitReached, (await meetings.Grains.Agenda(evening.Id, anne).BookAsync(teachers[0], yasmine, 8)).Reason);
        Assert.Equal(Refusal.OverlapsOwnAppointment, (await meetings.Grains.Agenda(evening.Id, anne).BookAsync(teachers[1], yasmine, 2)).Reason);
    }

    [Fact]
    public async Task A_guardian_added_after_the_other_booked_is_counted_with_the_family_at_once()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 2, maxPerParentPerTeacher: 1);
        var (mother, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var (father, _) = (await meetings.NewFamiliesAsync(1))[0];
        Assert.True((await meetings.Grains.Agenda(evening.Id, mother).BookAsync(teachers[0], pupil, 3)).Done);
        Assert.Single(await meetings.Grains.Agenda(evening.Id, mother).GetAppointmentsAsync());

        await meetings.AddGuardianAsync(pupil, father);

        Assert.Equal(Refusal.TeacherLimitReached, (await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[0], pupil, 6)).Reason);
        Assert.Equal(Refusal.OverlapsOwnAppointment, (await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[1], pupil, 3)).Reason);
        Assert.True((await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[1], pupil, 4)).Done);
    }

    [Fact]
    public async Task Two_guardians_booking_at_the_same_moment_one_wins_in_every_family()
    {
        const int families = 10;
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 3, slots: 2 * families, maxPerParentPerTeacher: 1);
        var parents = new List<(Guid Mother, Guid Father, Guid Pupil)>();
        for (var i = 0; i < families; i++)
        {
            var (mother, father, pupil, _) = await TwoGuardiansAsync();
            parents.Add((mother, father, pupil));
        }

        // The same teacher at two different times (the limit), then two other teachers at the same time, well
        // away from the first appointment (the overlap).
        var sameTeacher = await Task.WhenAll(parents.SelectMany((f, i) => new[]
        {
            meetings.Grains.Agenda(evening.Id, f.Mother).BookAsync(teachers[0], f.Pupil, 2 * i),
            meetings.Grains.Agenda(evening.Id, f.Father).BookAsync(teachers[0], f.Pupil, 2 * i + 1),
        }));
        var sameTime = await Task.WhenAll(parents.SelectMany((f, i) => new[]
        {
            meetings.Grains.Agenda(evening.Id, f.Mother).BookAsync(teachers[1], f.Pupil, (2 * i + families) % (2 * families)),
            meetings.Grains.Agenda(evening.Id, f.Father).BookAsync(teachers[2], f.Pupil, (2 * i + families) % (2 * families)),
        }));

        for (var i = 0; i < families; i++)
        {
            var (mother, father) = (sameTeacher[2 * i], sameTeacher[2 * i + 1]);
            Assert.True(mother.Done ^ father.Done, $"Family {i}: exactly one booking with the teacher must win.");
            Assert.Equal(Refusal.TeacherLimitReached, (mother.Done ? father : mother).Reason);
            var (first, second) = (sameTime[2 * i], sameTime[2 * i + 1]);
            Assert.True(first.Done ^ second.Done, $"Family {i}: exactly one booking at the same time must win.");
            Assert.Equal(Refusal.OverlapsOwnAppointment, (first.Done ? second : first).Reason);
        }
        Assert.Equal(families, await meetings.RowsAsync(evening.Id, teachers[0]));
        Assert.Equal(2L * families, await meetings.Database.ScalarAsync<long>(
            "SELECT count(*) FROM meeting_appointments WHERE evening_id = @e", ("e", evening.Id)));
    }
}