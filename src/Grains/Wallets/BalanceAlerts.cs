using Npgsql;

namespace ItSchool.Wallets;

/// <summary>
/// A guardian watching one compartment of the purse: below <see cref="ThresholdCents"/> they get an alert, then none while
/// the balance stays below, unless <see cref="RepeatDays"/> passed since <see cref="AlertedAt"/> (null: armed).
/// </summary>
public sealed record AlertWatcher(Guid GuardianId, int Compartment, long ThresholdCents, int RepeatDays, DateTimeOffset? AlertedAt)
{
    public const int DefaultRepeatDays = 2;

    public bool Watches(Guid guardian, int compartment) => GuardianId == guardian && Compartment == compartment;
}

/// <summary>
/// The low-balance rule, decided by the purse for each batch it writes, over the batch's entries in order: an entry that
/// takes a compartment below a watcher's threshold raises that watcher's alert unless they were alerted less than their
/// repeat days ago; an entry that leaves the balance at or above it arms the watcher again. Only a debit raises (a top-up
/// that leaves the balance low does not), and a replay writes no entry, so it raises nothing.
/// </summary>
public static class BalanceAlerts
{
    /// <returns>The watchers as they will be once the batch is committed, and the rows to write with it (null: nothing changes).</returns>
    public static (IReadOnlyList<AlertWatcher> After, BalanceAlertsWritten? Written) Decide(Guid schoolId, Guid pupilId,
        IReadOnlyList<AlertWatcher> watchers, IReadOnlyList<NewEntry> entries, DateTimeOffset now)
    {
        if (watchers.Count == 0)
        {
            return (watchers, null);
        }
        var after = watchers.ToList();
        var raised = new List<RaisedAlert>();
        foreach (var entry in entries)
        {
            for (var i = 0; i < after.Count; i++)
            {
                var watcher = after[i];
                if (watcher.Compartment != entry.Compartment)
                {
                    continue;
                }
                if (entry.BalanceAfterCents >= watcher.ThresholdCents)
                {
                    after[i] = watcher with { AlertedAt = null };
                }
                else if (entry.AmountCents < 0 && (watcher.AlertedAt is not { } last || now - last >= TimeSpan.FromDays(watcher.RepeatDays)))
                {
                    after[i] = watcher with { AlertedAt = now };
                    raised.Add(new RaisedAlert(Guid.CreateVersion7(now), watcher.GuardianId, watcher.Compartment, entry.BalanceAfterCents, watcher.ThresholdCents));
                }
            }
        }
        var changes = after.Zip(watchers).Where(pair => pair.First.AlertedAt != pair.Second.AlertedAt)
            .Select(pair => new AlertStateChange(pair.First.GuardianId, pair.First.Compartment, pair.First.AlertedAt)).ToList();
        return changes.Count == 0 ? (watchers, null) : (after, new BalanceAlertsWritten(schoolId, pupilId, now, raised, changes));
    }

    /// <summary>
    /// The watchers read again (a threshold changed, a guardian added), keeping the alert state this purse holds: it is the
    /// only writer of that state, and a batch still being written may have changed it since the read.
    /// </summary>
    public static IReadOnlyList<AlertWatcher> Merge(IReadOnlyList<AlertWatcher> held, IReadOnlyList<AlertWatcher> read) =>
        [.. read.Select(fresh => held.FirstOrDefault(h => h.Watches(fresh.GuardianId, fresh.Compartment)) is { } known ? fresh with { AlertedAt = known.AlertedAt } : fresh)];

    /// <summary>Applies a committed batch's changes to the watchers as they are now (a reload may have come in between).</summary>
    public static IReadOnlyList<AlertWatcher> Apply(IReadOnlyList<AlertWatcher> watchers, BalanceAlertsWritten written) =>
        [.. watchers.Select(w => written.Changes.LastOrDefault(c => w.Watches(c.GuardianId, c.Compartment)) is { } change ? w with { AlertedAt = change.AlertedAt } : w)];
}

[GenerateSerializer, Immutable]
public sealed record RaisedAlert(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid GuardianId,
    [property: Id(2)] int Compartment,
    [property: Id(3)] long BalanceCents,
    [property: Id(4)] long ThresholdCents);

[GenerateSerializer, Immutable]
public sealed record AlertStateChange([property: Id(0)] Guid GuardianId, [property: Id(1)] int Compartment, [property: Id(2)] DateTimeOffset? AlertedAt);

/// <summary>The alerts a batch raised and the watchers' new state, written in the batch's commit: both or neither, once.</summary>
[GenerateSerializer, Immutable]
public sealed record BalanceAlertsWritten(
    [property: Id(0)] Guid SchoolId,
    [property: Id(1)] Guid PupilId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] IReadOnlyList<RaisedAlert> Raised,
    [property: Id(4)] IReadOnlyList<AlertStateChange> Changes) : LedgerAttachment
{
    public override IEnumerable<NpgsqlBatchCommand> Commands()
    {
        if (Raised.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO balance_alerts (id, school_id, pupil_id, compartment, guardian_id, balance_cents, threshold_cents, raised_at)
                SELECT a.id, @school, @pupil, a.compartment, a.guardian, a.balance, a.threshold, @at
                FROM unnest(@ids, @compartments, @guardians, @balances, @thresholds) AS a(id, compartment, guardian, balance, threshold)
                """);
            insert.Parameters.AddWithValue("school", SchoolId);
            insert.Parameters.AddWithValue("pupil", PupilId);
            insert.Parameters.AddWithValue("at", At);
            insert.Parameters.AddWithValue("ids", Raised.Select(a => a.Id).ToArray());
            insert.Parameters.AddWithValue("compartments", Raised.Select(a => (short)a.Compartment).ToArray());
            insert.Parameters.AddWithValue("guardians", Raised.Select(a => a.GuardianId).ToArray());
            insert.Parameters.AddWithValue("balances", Raised.Select(a => a.BalanceCents).ToArray());
            insert.Parameters.AddWithValue("thresholds", Raised.Select(a => a.ThresholdCents).ToArray());
            yield return insert;
        }
        var alerted = Changes.Where(c => c.AlertedAt is not null).ToList();
        if (alerted.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO balance_alert_state (pupil_id, compartment, guardian_id, alerted_at)
                SELECT @pupil, s.compartment, s.guardian, s.at FROM unnest(@compartments, @guardians, @ats) AS s(compartment, guardian, at)
                ON CONFLICT (pupil_id, compartment, guardian_id) DO UPDATE SET alerted_at = excluded.alerted_at
                """);
            upsert.Parameters.AddWithValue("pupil", PupilId);
            upsert.Parameters.AddWithValue("compartments", alerted.Select(c => (short)c.Compartment).ToArray());
            upsert.Parameters.AddWithValue("guardians", alerted.Select(c => c.GuardianId).ToArray());
            upsert.Parameters.AddWithValue("ats", alerted.Select(c => c.AlertedAt!.Value).ToArray());
            yield return upsert;
        }
        var armed = Changes.Where(c => c.AlertedAt is null).ToList();
        if (armed.Count > 0)
        {
            var delete = new NpgsqlBatchCommand("""
                DELETE FROM balance_alert_state s USING unnest(@compartments, @guardians) AS a(compartment, guardian)
                WHERE s.pupil_id = @pupil AND s.compartment = a.compartment AND s.guardian_id = a.guardian
                """);
            delete.Parameters.AddWithValue("pupil", PupilId);
            delete.Parameters.AddWithValue("compartments", armed.Select(c => (short)c.Compartment).ToArray());
            delete.Parameters.AddWithValue("guardians", armed.Select(c => c.GuardianId).ToArray());
            yield return delete;
        }
    }
}