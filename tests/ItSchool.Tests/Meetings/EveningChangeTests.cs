using ItSchool.Meetings;
using ItSchool.Tests.Rig;

namespace ItSchool.Tests.Meetings;

/// <summary>Evenings over several dates, and the school changing or deleting an evening while parents book.</summary>
[Collection(MeetingRushes.Name)]
public sealed class EveningChangeTests(MeetingCluster meetings) : IClassFixture<MeetingCluster>
{
    MeetingEvenings Evenings => new(meetings.Database.Db);

    async Task<EveningChange> ChangeAsync(MeetingEvening changed)
    {
        var change = await Evenings.UpdateAsync(changed, DateTimeOffset.UtcNow);
        if (change.Outcome == EveningChangeOutcome.Done)
        {
            await Task.WhenAll(change.Before!.Teachers.Concat(changed.Teachers).Select(t => t.TeacherId).Distinct()
                .Select(t => meetings.Grains.Timetable(changed.Id, t).EveningChangedAsync()));
        }
        return change;
    }

    [Fact]
    public async Task Slots_run_through_the_dates_and_the_gap_rule_does_not_join_two_dates()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(slots: 6, days: 2, gap: true);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);

        Assert.Equal(12, (await meetings.Grains.Timetable(evening.Id, teachers[0]).GetGridAsync()).Slots.Count);
        Assert.Equal((new DateOnly(2027, 4, 9), new TimeOnly(17, 10)), (evening.SlotDay(7), evening.SlotStart(7)));
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 5)).Done);
        // 17:50 on the first date and 17:00 on the second are numbers 5 and 6, but a day apart.
        Assert.True((await agenda.BookAsync(teachers[1], pupil, 6)).Done);
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await agenda.BookAsync(teachers[1], pupil, 4)).Reason);
        Assert.Equal(Refusal.OverlapsOwnAppointment, (await agenda.MoveAsync(teachers[1], 6, 5)).Reason);
        Assert.Equal(Refusal.NoSuchSlot, (await agenda.BookAsync(teachers[0], pupil, 12)).Reason);
    }

    [Fact]
    public async Task A_change_that_keeps_every_booked_slot_is_saved_and_the_grids_follow_it_at_once()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(slots: 6);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        Assert.True((await meetings.Grains.Agenda(evening.Id, parent).BookAsync(teachers[0], pupil, 2)).Done);
        Assert.True((await meetings.Grains.Timetable(evening.Id, teachers[0]).SetBreakAsync(4, true)).Done);

        // A second date and a longer evening: 17:20 on 8 April is still slot 2, the break at 17:40 still slot 4.
        var longer = evening with
        {
            Days = [evening.FirstDay, evening.FirstDay.AddDays(1)],
            Ends = new TimeOnly(18, 30),
            GapBetween = true,
            Name = "Réunion changée",
        };
        Assert.Equal(EveningChangeOutcome.Done, (await ChangeAsync(longer)).Outcome);

        var saved = await Evenings.FindAsync(evening.Id);
        Assert.Equal(("Réunion changée", 2, 18, 2L), (saved!.Name, saved.Days.Count, saved.SlotCount, saved.Revision));
        var grid = await meetings.Grains.Timetable(evening.Id, teachers[0]).GetGridAsync();
        Assert.Equal(18, grid.Slots.Count);
        Assert.Equal((SlotState.Booked, SlotState.Break), (grid.Slots[2].State, grid.Slots[4].State));
        await Eventually.TrueAsync(() => meetings.Watcher.Newest(evening.Id, teachers[0])?.Slots.Count == 18,
            because: "The watchers never received the longer grid.");
        // The gap the school just asked for holds at once, for an agenda already awake.
        Assert.Equal(Refusal.TooCloseToOwnAppointment, (await meetings.Grains.Agenda(evening.Id, parent).BookAsync(teachers[1], pupil, 3)).Reason);
    }

    [Fact]
    public async Task A_change_that_would_move_an_appointment_or_drop_its_teacher_is_refused_whole()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(slots: 6);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        Assert.True((await meetings.Grains.Agenda(evening.Id, parent).BookAsync(teachers[0], pupil, 1)).Done);

        var earlier = await ChangeAsync(evening with { Starts = new TimeOnly(16, 50), Name = "Pas enregistré" });
        var longerSlots = await ChangeAsync(evening with { SlotMinutes = 20 });
        var otherDate = await ChangeAsync(evening with { Days = [evening.FirstDay.AddDays(7)] });
        var dropped = await ChangeAsync(evening with { Teachers = [evening.Teachers[1]] });

        Assert.Equal((EveningChangeOutcome.AppointmentsWouldMove, 1), (earlier.Outcome, earlier.Appointments));
        Assert.Equal(EveningChangeOutcome.AppointmentsWouldMove, longerSlots.Outcome);
        Assert.Equal(EveningChangeOutcome.AppointmentsWouldMove, otherDate.Outcome);
        Assert.Equal((EveningChangeOutcome.TeacherHasAppointments, 1), (dropped.Outcome, dropped.Appointments));
        var saved = await Evenings.FindAsync(evening.Id);
        Assert.Equal(("Réunion de test", 1L, 2), (saved!.Name, saved.Revision, saved.Teachers.Count));
        Assert.Equal(SlotState.Booked, (await meetings.Grains.Timetable(evening.Id, teachers[0]).GetGridAsync()).Slots[1].State);

        // The teacher without appointments can go, and their breaks with them.
        Assert.True((await meetings.Grains.Timetable(evening.Id, teachers[1]).SetBreakAsync(0, true)).Done);
        Assert.Equal(EveningChangeOutcome.Done, (await ChangeAsync(evening with { Teachers = [evening.Teachers[0]] })).Outcome);
        Assert.Equal(Refusal.UnknownTimetable, (await meetings.Grains.Timetable(evening.Id, teachers[1]).SetBreakAsync(1, true)).Reason);
        Assert.Equal(0, await meetings.Database.ScalarAsync<long>("SELECT count(*) FROM meeting_breaks WHERE evening_id = @e", ("e", evening.Id)));
    }

    [Fact]
    public async Task A_write_decided_on_the_evening_before_the_schools_change_is_refused_and_the_grid_reloads()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(slots: 6);
        var families = await meetings.NewFamiliesAsync(2);
        var timetable = meetings.Grains.Timetable(evening.Id, teachers[0]);
        Assert.True((await meetings.Grains.Agenda(evening.Id, families[0].Parent).BookAsync(teachers[0], families[0].Pupil, 0)).Done);

        // The school's change is saved, but this timetable has not heard of it yet (as between the commit and the refresh).
        Assert.Equal(EveningChangeOutcome.Done, (await Evenings.UpdateAsync(evening with { Ends = new TimeOnly(18, 30) }, DateTimeOffset.UtcNow)).Outcome);

        var stale = await meetings.Grains.Agenda(evening.Id, families[1].Parent).BookAsync(teachers[0], families[1].Pupil, 3);
        Assert.Equal(Refusal.EveningChanged, stale.Reason);
        Assert.Equal(9, stale.Grid.Slots.Count);
        Assert.Equal(EveningChangeOutcome.Done, (await Evenings.UpdateAsync(evening with { Ends = new TimeOnly(18, 40) }, DateTimeOffset.UtcNow)).Outcome);
        Assert.Equal(Refusal.EveningChanged, (await meetings.Grains.Agenda(evening.Id, families[0].Parent).CancelAsync(teachers[0], 0)).Reason);
        Assert.Equal(1, await meetings.RowsAsync(evening.Id, teachers[0]));
        Assert.True((await meetings.Grains.Agenda(evening.Id, families[1].Parent).BookAsync(teachers[0], families[1].Pupil, 8)).Done);
        Assert.Equal(SlotState.Booked, (await timetable.GetGridAsync()).Slots[8].State);
    }

    [Fact]
    public async Task Deleting_an_evening_returns_its_appointments_and_its_grids_refuse_everything_after()
    {
        var (evening, teachers) = await meetings.NewEveningAsync(slots: 6);
        var (parent, pupil) = (await meetings.NewFamiliesAsync(1))[0];
        var agenda = meetings.Grains.Agenda(evening.Id, parent);
        Assert.True((await agenda.BookAsync(teachers[0], pupil, 2)).Done);
        Assert.True((await meetings.Grains.Timetable(evening.Id, teachers[1]).SetBreakAsync(3, true)).Done);

        Assert.Null(await Evenings.DeleteAsync(Guid.NewGuid(), evening.Id));
        var (deleted, cancelled) = (await Evenings.DeleteAsync(evening.SchoolId, evening.Id))!.Value;

        Assert.Equal(evening.Id, deleted.Id);
        Assert.Equal([new Appointment(evening.Id, teachers[0], 2, parent, pupil)], cancelled);
        Assert.Null(await Evenings.FindAsync(evening.Id));
        // Before the timetable hears of it, the database refuses its write; after, the timetable itself.
        Assert.Equal(Refusal.EveningChanged, (await agenda.BookAsync(teachers[1], pupil, 4)).Reason);
        await meetings.Grains.Timetable(evening.Id, teachers[1]).EveningChangedAsync();
        Assert.Equal(Refusal.UnknownTimetable, (await meetings.Grains.Timetable(evening.Id, teachers[1]).SetBreakAsync(1, true)).Reason);
        Assert.Equal(0, await meetings.Database.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM meeting_appointments WHERE evening_id = @e) + (SELECT count(*) FROM meeting_teachers WHERE evening_id = @e)",
            ("e", evening.Id)));
    }
}