using ItSchool.Wallets;

namespace ItSchool.Tests.Wallets;

/// <summary>
/// A purse with years of sales opens from its checkpoint: the first opening past a thousand entries writes one over the
/// settled entries (those more than a day old), later openings add only what came after it, and a checkpoint that no
/// longer agrees with the balance stops the purse as a ledger that does not would.
/// </summary>
public sealed class PurseCheckpointTests(WalletCluster wallets) : IClassFixture<WalletCluster>
{
    [Fact]
    public async Task Years_of_sales_are_summed_once_into_a_checkpoint_and_the_purse_then_opens_from_it()
    {
        var pupil = await PupilWithOldSalesAsync(1_200, recent: 0);
        var (through, total) = await LedgerAsync(pupil);
        var ledger = new Ledger(wallets.Database.Db);

        var first = await ledger.OpenAsync(pupil, DateTimeOffset.UtcNow);
        Assert.Equal(10_000 - 1_200, first.Compartments.Single(c => c.Compartment == 1).BalanceCents);
        Assert.Equal(through, first.Version);
        Assert.Equal((through, total), await CheckpointAsync(pupil));

        Assert.True((await wallets.Purse(pupil).CreditAsync(WalletCluster.TopUp(500, $"after/{pupil}"))).Accepted);
        var after = await ledger.OpenAsync(pupil, DateTimeOffset.UtcNow);
        Assert.Equal(10_000 - 1_200 + 500, after.Compartments.Single(c => c.Compartment == 1).BalanceCents);
        Assert.Equal((await LedgerAsync(pupil)).Through, after.Version);
        // A tail of one entry does not move the checkpoint.
        Assert.Equal((through, total), await CheckpointAsync(pupil));
    }

    [Fact]
    public async Task The_checkpoint_stops_before_the_first_entry_of_the_last_day()
    {
        var pupil = await PupilWithOldSalesAsync(1_100, recent: 5);
        await new Ledger(wallets.Database.Db).OpenAsync(pupil, DateTimeOffset.UtcNow);

        var (through, total) = await PairAsync("""
            SELECT max(id), sum(amount_cents) FROM ledger_entries
            WHERE pupil_id = @pupil AND compartment = 1 AND id < (SELECT min(id) FROM ledger_entries
                                                                   WHERE pupil_id = @pupil AND occurred_at > now() - interval '1 day')
            """, ("pupil", pupil));
        Assert.Equal((through, total), await CheckpointAsync(pupil));
    }

    [Fact]
    public async Task A_checkpoint_that_disagrees_with_the_balance_stops_the_purse()
    {
        var pupil = await PupilWithOldSalesAsync(1_000, recent: 0);
        var ledger = new Ledger(wallets.Database.Db);
        await ledger.OpenAsync(pupil, DateTimeOffset.UtcNow);
        await wallets.Database.ScalarAsync<int>("UPDATE purse_checkpoints SET sum_cents = sum_cents - 1 WHERE pupil_id = @pupil RETURNING 1", ("pupil", pupil));

        await Assert.ThrowsAsync<LedgerMismatchException>(() => ledger.OpenAsync(pupil, DateTimeOffset.UtcNow));
    }

    /// <summary>
    /// A top-up of 100 € and one-cent sales written straight into the ledger, two years old but the last <paramref name="recent"/>
    /// (each row shaped as the purse wrote a top-up for another pupil).
    /// </summary>
    async Task<Guid> PupilWithOldSalesAsync(int sales, int recent)
    {
        var template = await wallets.NewPupilAsync();
        Assert.True((await wallets.Purse(template).CreditAsync(WalletCluster.TopUp(10_000, $"top-up/{template}"))).Accepted);
        var pupil = await wallets.NewPupilAsync();
        await new Ledger(wallets.Database.Db).OpenAsync(pupil, DateTimeOffset.UtcNow);
        await wallets.Database.ScalarAsync<int>("""
            WITH entries AS (
                INSERT INTO ledger_entries (school_id, pupil_id, compartment, amount_cents, balance_after_cents, kind, subject_code, subject_args,
                                            caused_by_kind, idempotency_key, occurred_at)
                SELECT school_id, @pupil, 1, CASE WHEN n = 0 THEN 10000 ELSE -1 END, 10000 - n, CASE WHEN n = 0 THEN kind ELSE 'sale' END,
                       subject_code, subject_args, caused_by_kind, 'old/' || n,
                       CASE WHEN n > @sales - @recent THEN now() - interval '1 hour' ELSE now() - interval '2 years' + n * interval '1 hour' END
                FROM ledger_entries, generate_series(0, @sales) AS n
                WHERE pupil_id = @template
                ORDER BY n
                RETURNING amount_cents)
            UPDATE purse_compartments SET balance_cents = (SELECT sum(amount_cents) FROM entries)
            WHERE pupil_id = @pupil AND compartment = 1
            RETURNING 1
            """, ("pupil", pupil), ("template", template), ("sales", sales), ("recent", recent));
        return pupil;
    }

    Task<(long Through, long Total)> LedgerAsync(Guid pupil) => PairAsync(
        "SELECT max(id), sum(amount_cents) FROM ledger_entries WHERE pupil_id = @pupil AND compartment = 1", ("pupil", pupil));

    Task<(long Through, long Total)> CheckpointAsync(Guid pupil) => PairAsync(
        "SELECT through_id, sum_cents FROM purse_checkpoints WHERE pupil_id = @pupil AND compartment = 1", ("pupil", pupil));

    async Task<(long, long)> PairAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = wallets.Database.Db.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "No row.");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}