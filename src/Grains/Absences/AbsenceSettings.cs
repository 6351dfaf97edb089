using Npgsql;

namespace ItSchool.Absences;

/// <summary>
/// What a school decides about absences: <see cref="JustifyWithinDays"/> days after an absence (its last day) a family may
/// still justify it online; whether a parent's advance report releases (cancels and refunds) booked meals even after the
/// meal cut-off; whether a half-day of which only some periods were missed counts as a half-day.
/// </summary>
public sealed record AbsenceSettings(int JustifyWithinDays, bool ReportsReleaseAfterCutOff, bool PartialCountsAsHalfDay)
{
    public const int MaxJustifyWithinDays = 60;

    /// <summary>A school that never chose: three days to justify, the meals' cut-off respected, every period counts.</summary>
    public static readonly AbsenceSettings Default = new(3, false, true);

    /// <summary>The last day a family may justify an absence of <paramref name="day"/>.</summary>
    public DateOnly JustifyBy(DateOnly day) => day.AddDays(JustifyWithinDays);

    /// <summary>Whether the family may still justify the absence online on <paramref name="today"/>.</summary>
    public bool OpenToJustify(Absence absence, DateOnly today) => absence.AwaitsJustification && JustifyBy(absence.Day) >= today;

    public static async Task<AbsenceSettings> ReadAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT justify_within_days, reports_release_after_cutoff, partial_counts_as_half_day FROM absence_settings WHERE school_id = @school");
        command.Parameters.AddWithValue("school", schoolId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new(reader.GetInt32(0), reader.GetBoolean(1), reader.GetBoolean(2)) : Default;
    }

    public async Task SaveAsync(NpgsqlDataSource db, Guid schoolId, CancellationToken cancellationToken = default)
    {
        if (JustifyWithinDays is < 0 or > MaxJustifyWithinDays)
        {
            throw new ArgumentOutOfRangeException(nameof(JustifyWithinDays), JustifyWithinDays, "Between 0 and 60 days");
        }
        await using var command = db.CreateCommand("""
            INSERT INTO absence_settings (school_id, justify_within_days, reports_release_after_cutoff, partial_counts_as_half_day)
            VALUES (@school, @days, @release, @partial)
            ON CONFLICT (school_id) DO UPDATE SET justify_within_days = excluded.justify_within_days,
                reports_release_after_cutoff = excluded.reports_release_after_cutoff, partial_counts_as_half_day = excluded.partial_counts_as_half_day
            """);
        command.Parameters.AddWithValue("school", schoolId);
        command.Parameters.AddWithValue("days", JustifyWithinDays);
        command.Parameters.AddWithValue("release", ReportsReleaseAfterCutOff);
        command.Parameters.AddWithValue("partial", PartialCountsAsHalfDay);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}