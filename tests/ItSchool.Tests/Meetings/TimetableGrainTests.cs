using ItSchool.Meetings;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Meetings;

[Collection(MeetingRushes.Name)]
public sealed class TimetableGrainTests(MeetingCluster meetings) : IClassFixture<MeetingCluster>
{
    [Fact]
    public async Task A_booked_slot_shows_as_booked_is_written_and_a_double_click_books_it_once()
    {
        var (evening, teachers) = await meetings.NewEveningAsync();
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        var twice = await Task.WhenAll(agenda.BookAsync(teachers[0], pupil, 3), agenda.BookAsync(teachers[0], pupil, 3));

        Assert.All(twice, r => Assert.True(r.Done));
        var slot = (await meetings.Grains.Timetable(evening.Id, teachers[0]).GetGridAsync()).Slots[3];
        Assert.Equal(new Slot(3, SlotState.Booked, parent, pupil), slot);
        Assert.Equal(1, await meetings.RowsAsync(evening.Id, teachers[0]));
        Assert.Equal([new Appointment(evening.Id, teachers[0], 3, parent, pupil)], await agenda.GetAppointmentsAsync());
    }

    [Fact]
    public async Task A_slot_another_family_holds_is_refused_as_taken_and_the_answer_shows_it_taken()
    {
        var (evening, teachers) = await meetings.NewEveningAsync();
        var families = await meetings.NewFamiliesAsync(2);
        Assert.True((await meetings.Grains.Agenda(evening.Id, families[0].Parent).BookAsync(teachers[0], families[0].Pupil, 5)).Done);

        var late = await meetings.Grains.Agenda(evening.Id, families[1].Parent).BookAsync(teachers[0], families[1].Pupil, 5);

        Assert.Equal(Refusal.SlotTaken, late.Reason);
        Assert.Equal(SlotState.Booked, late.Grid.Slots[5].State);
        Assert.Empty(await meetings.Grains.Agenda(evening.Id, families[1].Parent).GetAppointmentsAsync());
    }

    [Fact]
    public async Task Outside_the_booking_window_a_parent_is_refused_but_the_school_may_book_for_them()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(opensAt: DateTimeOffset.UtcNow.AddDays(1));
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        Assert.Equal(Refusal.OutsideWindow, (await agenda.BookAsync(teachers[0], pupil, 0)).Reason);
        Assert.Equal(0, await meetings.RowsAsync(evening.Id, teachers[0]));
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 0, byStaff: true)).Done);
        Assert.Equal(Refusal.OutsideWindow, (await agenda.CancelAsync(teachers[0], 0)).Reason);
        Assert.Equal(Refusal.OutsideWindow, (await agenda.MoveAsync(teachers[0], 0, 1)).Reason);
        Assert.True((await agenda.MoveAsync(teachers[0], 0, 1, byStaff: true)).Done);
    }

    [Fact]
    public async Task The_limit_per_parent_per_teacher_holds()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(maxPerParentPerTeacher: 1);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 0)).Done);

        Assert.Equal(Refusal.TeacherLimitReached, (await agenda.BookAsync(teachers[0], pupil, 6)).Reason);
        Assert.Equal(1, await meetings.RowsAsync(evening.Id, teachers[0]));
    }

    [Fact]
    public async Task The_limit_per_pupil_counts_both_guardians_and_every_teacher()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 3, maxPerPupil: 2);
        var (mother, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var father = (await meetings.NewFamiliesAsync(1))[0].Parent;
        await meetings.AddGuardianAsync(pupil, father);

        Assert.True((await meetings.Grains.Agenda(evening.Id, mother).BookAsync(teachers[0], pupil, 0)).Done);
        Assert.True((await meetings.Grains.Agenda(evening.Id, father).BookAsync(teachers[1], pupil, 4)).Done);
        var third = await meetings.Grains.Agenda(evening.Id, mother).BookAsync(teachers[2], pupil, 8);

        Assert.Equal(Refusal.PupilLimitReached, third.Reason);
        Assert.Equal(SlotState.Free, third.Grid.Slots[8].State);
        Assert.Equal(0, await meetings.RowsAsync(evening.Id, teachers[2]));
    }

    [Fact]
    public async Task A_parent_cannot_be_with_two_teachers_at_the_same_time_nor_without_the_gap_the_school_set()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 2, gap: true);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 4)).Done);

        Assert.Equal(Refusal.OverlapsOwnAppointment, (await agenda.BookAsync(teachers[1], pupil, 4)).Reason);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await agenda.BookAsync(teachers[1], pupil, 5)).Reason);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await agenda.BookAsync(teachers[1], pupil, 3)).Reason);
        Assert.Equal(0, await meetings.RowsAsync(evening.Id, teachers[1]));
        Assert.True((await agenda.BookAsync(teachers[1], pupil, 6)).Done);
        // Moving onto the other teacher's time is the same overlap.
        Assert.Equal(Refusal.OverlapsOwnAppointment, (await agenda.MoveAsync(teachers[1], 6, 4)).Reason);
        Assert.Equal(SlotState.Booked, (await meetings.Grains.Timetable(evening.Id, teachers[1]).GetGridAsync()).Slots[6].State);
    }

    [Fact]
    public async Task Without_a_gap_back_to_back_appointments_with_two_teachers_are_fine()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 2, gap: false);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        Assert.True((await agenda.BookAsync(teachers[0], pupil, 4)).Done);
        Assert.True((await agenda.BookAsync(teachers[1], pupil, 5)).Done);
    }

    [Fact]
    public async Task One_parent_racing_for_the_same_time_with_ten_teachers_gets_exactly_one()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 10);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        var results = await Task.WhenAll(teachers.Select(t => agenda.BookAsync(t, pupil, 7)));

        Assert.Single(results, r => r.Done);
        Assert.All(results.Where(r => !r.Done), r => Assert.Equal(Refusal.OverlapsOwnAppointment, r.Reason));
        Assert.Equal(1, await meetings.Database.ScalarAsync<long>(
            "SELECT count(*) FROM meeting_appointments WHERE evening_id = @e", ("e", evening.Id)));
    }

    [Fact]
    public async Task A_teacher_or_a_pupil_outside_the_teachers_classes_or_a_stranger_is_refused()
    {
        var (evening, teachers) = await meetings.NewEveningAsync();
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var (otherParent, otherClassPupil) = (await meetings.NewFamiliesAsync(1, className: "2B"))[0];

        Assert.Equal(Refusal.NotTheirTeacher, (await meetings.Grains.Agenda(evening.Id, otherParent).BookAsync(teachers[0], otherClassPupil, 0)).Reason);
        // A parent naming someone else's child.
        Assert.Equal(Refusal.NotTheirTeacher, (await meetings.Grains.Agenda(evening.Id, otherParent).BookAsync(teachers[0], pupil, 0)).Reason);
        Assert.Equal(Refusal.UnknownTimetable, (await meetings.Grains.Agenda(evening.Id, parent).BookAsync(Guid.NewGuid(), pupil, 0)).Reason);
        Assert.Equal(Refusal.UnknownTimetable, (await meetings.Grains.Agenda(Guid.NewGuid(), parent).BookAsync(teachers[0], pupil, 0)).Reason);
        Assert.Equal(Refusal.NoSuchSlot, (await meetings.Grains.Agenda(evening.Id, parent).BookAsync(teachers[0], pupil, 20)).Reason);
        Assert.Equal(Refusal.NoSuchSlot, (await meetings.Grains.Agenda(evening.Id, parent).BookAsync(teachers[0], pupil, -1)).Reason);
        Assert.Equal(0, await meetings.RowsAsync(evening.Id, teachers[0]));
    }

    [Fact]
    public async Task A_break_cannot_be_booked_and_a_booked_slot_cannot_become_a_break_until_cancelled()
    {
        var (evening, teachers) = await meetings.NewEveningAsync();
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var timetable = meetings.Grains.Timetable(evening.Id, teachers[0]);
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        Assert.True((await timetable.SetBreakAsync(10, true)).Done);
        Assert.Equal(Refusal.SlotUnavailable, (await agenda.BookAsync(teachers[0], pupil, 10)).Reason);
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 11)).Done);
        Assert.Equal(Refusal.SlotUnavailable, (await agenda.MoveAsync(teachers[0], 11, 10)).Reason);
        Assert.Equal(Refusal.SlotBooked, (await timetable.SetBreakAsync(11, true)).Reason);

        Assert.True((await agenda.CancelAsync(teachers[0], 11, byStaff: true)).Done);
        var grid = (await timetable.SetBreakAsync(11, true)).Grid;
        Assert.Equal(SlotState.Break, grid.Slots[11].State);
        Assert.Equal(2, await meetings.Database.ScalarAsync<long>(
            "SELECT count(*) FROM meeting_breaks WHERE evening_id = @e AND teacher_id = @t", ("e", evening.Id), ("t", teachers[0])));
        Assert.Equal(SlotState.Free, (await timetable.SetBreakAsync(10, false)).Grid.Slots[10].State);
    }

    [Fact]
    public async Task A_move_frees_the_old_slot_only_when_it_takes_the_new_one()
    {
        var (evening, teachers) = await meetings.NewEveningAsync();
        var families = await meetings.NewFamiliesAsync(2);
        var mine = meetings.Grains.Agenda(evening.Id, families[0].Parent);
        var theirs = meetings.Grains.Agenda(evening.Id, families[1].Parent);
        Assert.True((await mine.BookAsync(teachers[0], families[0].Pupil, 1)).Done);
        Assert.True((await theirs.BookAsync(teachers[0], families[1].Pupil, 4)).Done);

        var onto = await mine.MoveAsync(teachers[0], 1, 4);
        Assert.Equal(Refusal.SlotTaken, onto.Reason);
        Assert.Equal(families[0].Parent, onto.Grid.Slots[1].ParentId);

        Assert.Equal(Refusal.NotYourAppointment, (await mine.MoveAsync(teachers[0], 4, 7)).Reason);
        Assert.Equal(Refusal.NotYourAppointment, (await mine.CancelAsync(teachers[0], 4)).Reason);

        var moved = await mine.MoveAsync(teachers[0], 1, 7);
        Assert.True(moved.Done);
        Assert.Equal(SlotState.Free, moved.Grid.Slots[1].State);
        Assert.Equal(families[0].Parent, moved.Grid.Slots[7].ParentId);
        Assert.Equal(7, (await mine.GetAppointmentsAsync()).Single().Slot);
        Assert.Equal(7, await meetings.Database.ScalarAsync<int>(
            "SELECT slot FROM meeting_appointments WHERE evening_id = @e AND parent_id = @p", ("e", evening.Id), ("p", families[0].Parent)));

        Assert.True((await mine.CancelAsync(teachers[0], 7)).Done);
        Assert.Equal(1, await meetings.RowsAsync(evening.Id, teachers[0]));
        Assert.Empty(await mine.GetAppointmentsAsync());
    }

    [Fact]
    public async Task Five_hundred_parents_racing_for_twenty_slots_get_exactly_twenty_and_every_watcher_sees_the_grains_grid()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 1, slots: 20);
        var families = await meetings.NewFamiliesAsync(500);
        var teacher = teachers[0];

        var results = await Task.WhenAll(families.Select((f, i) =>
            meetings.Grains.Agenda(evening.Id, f.Parent).BookAsync(teacher, f.Pupil, i % 20)));

        Assert.Equal(20, results.Count(r => r.Done));
        Assert.Equal(480, results.Count(r => !r.Done));
        Assert.All(results.Select((r, i) => (r, i)).Where(x => !x.r.Done), x =>
        {
            Assert.Equal(Refusal.SlotTaken, x.r.Reason);
            Assert.Equal(SlotState.Booked, x.r.Grid.Slots[x.i % 20].State);
        });
        var winners = families.Where((f, i) => results[i].Done).Select(f => f.Parent).ToHashSet();
        var grid = await meetings.Grains.Timetable(evening.Id, teacher).GetGridAsync();
        Assert.All(grid.Slots, s => Assert.Equal(SlotState.Booked, s.State));
        Assert.Equal(winners, grid.Slots.Select(s => s.ParentId!.Value).ToHashSet());
        Assert.Equal(20, await meetings.Database.ScalarAsync<long>(
            "SELECT count(DISTINCT parent_id) FROM meeting_appointments WHERE evening_id = @e AND teacher_id = @t", ("e", evening.Id), ("t", teacher)));
        Assert.Equal(20, await meetings.RowsAsync(evening.Id, teacher));

        await Eventually.TrueAsync(() => meetings.Watcher.Newest(evening.Id, teacher)?.Version == grid.Version, TimeSpan.FromSeconds(10),
            "The condition never held.");
        Assert.Equal(grid.Slots, meetings.Watcher.Newest(evening.Id, teacher)!.Slots);
    }

    [Fact]
    public async Task Two_parents_dragging_onto_the_same_free_slot_one_wins_and_the_other_keeps_their_slot()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(teachers: 1, slots: 20);
        var teacher = teachers[0];
        var families = await meetings.NewFamiliesAsync(12);
        // Six pairs: in pair k, one family holds slot 3k, the other 3k+1, and both drag onto the free slot 3k+2.
        for (var i = 0; i < 12; i++)
        {
            Assert.True((await meetings.Grains.Agenda(evening.Id, families[i].Parent).BookAsync(teacher, families[i].Pupil, i / 2 * 3 + i % 2)).Done);
        }

        var moves = await Task.WhenAll(families.Select((f, i) =>
            meetings.Grains.Agenda(evening.Id, f.Parent).MoveAsync(teacher, i / 2 * 3 + i % 2, i / 2 * 3 + 2)));

        var grid = await meetings.Grains.Timetable(evening.Id, teacher).GetGridAsync();
        for (var pair = 0; pair < 6; pair++)
        {
            var (first, second) = (moves[2 * pair], moves[2 * pair + 1]);
            Assert.True(first.Done ^ second.Done, $"Pair {pair}: exactly one move must win.");
            var (winner, loser) = first.Done ? (2 * pair, 2 * pair + 1) : (2 * pair + 1, 2 * pair);
            Assert.Equal(Refusal.SlotTaken, moves[loser].Reason);
            Assert.Equal(families[winner].Parent, grid.Slots[pair * 3 + 2].ParentId);
            Assert.Equal(SlotState.Free, grid.Slots[pair * 3 + winner % 2].State);
            Assert.Equal(families[loser].Parent, grid.Slots[pair * 3 + loser % 2].ParentId);
        }
        Assert.Equal(12, await meetings.RowsAsync(evening.Id, teacher));
    }
}