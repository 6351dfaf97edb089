using System.Diagnostics.Metrics;
using ItSchool.Platform;
using ItSchool.Platform.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ItSchool.Mail;

/// <summary>
/// Mail waiting in the outbox: a depth that keeps growing means the SMTP server refuses or is gone. The gauge reads
/// a number counted every half minute, never the database: a collector may ask for it at any moment, on a thread
/// that must not wait for PostgreSQL.
/// </summary>
public static class OutboxMetrics
{
    static long depth = -1;

    static readonly ObservableGauge<long> Depth = ItSchoolMeter.Meter.CreateObservableGauge("itschool.mail.outbox.depth",
        () => Volatile.Read(ref depth) is var known and >= 0 ? [new Measurement<long>(known)] : Array.Empty<Measurement<long>>(),
        "{mail}", "Mails not yet delivered, in the whole installation's outbox.");

    /// <summary>
    /// Counts the undelivered mails (the partial index <c>mail_outbox_due</c> holds exactly them). Registered only
    /// with telemetry; every node counts the same rows, which a gauge tolerates.
    /// </summary>
    public sealed class Refresh(NpgsqlDataSource db, TimeProvider clock, ILogger<Refresh> logger) : PeriodicJob(clock, logger)
    {
        protected override TimeSpan FirstRunAfter => TimeSpan.Zero;

        protected override TimeSpan Interval => TimeSpan.FromSeconds(30);

        protected override async Task RunAsync(CancellationToken cancellationToken)
        {
            await using var command = db.CreateCommand("SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL");
            Volatile.Write(ref depth, (long)(await command.ExecuteScalarAsync(cancellationToken))!);
        }
    }
}