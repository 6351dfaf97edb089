using ItSchool.Wallets;
using Npgsql;
using NpgsqlTypes;

namespace ItSchool.PointOfSale;

/// <summary>
/// An accepted sale's answer, written by the purse in the commit of its debit: the money and the answer a retry will get
/// are durable together, in the purse's one round trip. The answer's balance and entry id are the ledger entry's own,
/// read in the same statement. No ON CONFLICT: a concurrent request that already answered this sale id (another card,
/// or a refusal) makes this debit fail whole, so no money moves without its answer; the poster then replays the winner.
/// Likewise a revoked terminal, and for a sale priced from a node's memory (<see cref="SeenVersion"/>, <see cref="PosSnapshots"/>)
/// any change to its school's articles, cards or pupils' names since: the poster then prices it again from the database.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SaleAnswered(
    [property: Id(0)] Guid SaleId,
    [property: Id(1)] Guid SchoolId,
    [property: Id(2)] Guid TerminalId,
    [property: Id(3)] string IdempotencyKey,
    [property: Id(4)] byte[] RequestHash,
    [property: Id(5)] Guid PupilId,
    [property: Id(6)] long AmountCents,
    [property: Id(7)] string LinesJson,
    [property: Id(8)] string FirstName,
    [property: Id(9)] DateTimeOffset At,
    [property: Id(10)] long? SeenVersion = null) : LedgerAttachment
{
    public override IEnumerable<NpgsqlBatchCommand> Commands() => Commands([this]);

    public override IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<LedgerAttachment> sameType)
    {
        var sales = sameType.Cast<SaleAnswered>().ToList();
        yield return new NpgsqlBatchCommand("""
            WITH answered AS (
                INSERT INTO pos_sales (id, school_id, terminal_id, idempotency_key, request_hash, status_code, response, pupil_id,
                                       amount_cents, lines, ledger_entry_id, created_at)
                SELECT s.id, s.school, s.terminal, s.key, s.hash, 201,
                       jsonb_build_object('saleId', s.id, 'amountCents', s.amount, 'balanceCents', e.balance_after_cents,
                                          'firstName', s.first_name, 'entryId', e.id),
                       s.pupil, s.amount, s.lines, e.id, s.at
                FROM unnest(@id, @school, @terminal, @key, @hash, @pupil, @amount, @lines, @first_name, @ledger_key, @at, @seen)
                     AS s(id, school, terminal, key, hash, pupil, amount, lines, first_name, ledger_key, at, seen)
                JOIN ledger_entries e ON e.pupil_id = s.pupil AND e.idempotency_key = s.ledger_key
                JOIN pos_terminals t ON t.id = s.terminal AND t.revoked_at IS NULL
                WHERE s.seen IS NULL OR s.seen = coalesce((SELECT v.version FROM pos_versions v WHERE v.school_id = s.school), 0)
                RETURNING 1)
            SELECT pos_sales_answered(@expected, (SELECT count(*) FROM answered))
            """)
        {
            Parameters =
            {
                new("id", sales.Select(s => s.SaleId).ToArray()),
                new("school", sales.Select(s => s.SchoolId).ToArray()),
                new("terminal", sales.Select(s => s.TerminalId).ToArray()),
                new("key", sales.Select(s => s.IdempotencyKey).ToArray()),
                new("hash", sales.Select(s => s.RequestHash).ToArray()),
                new("pupil", sales.Select(s => s.PupilId).ToArray()),
                new("amount", sales.Select(s => s.AmountCents).ToArray()),
                new("lines", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = sales.Select(s => s.LinesJson).ToArray() },
                new("first_name", sales.Select(s => s.FirstName).ToArray()),
                new("ledger_key", sales.Select(s => SaleLines.LedgerKey(s.TerminalId, s.IdempotencyKey)).ToArray()),
                new("at", sales.Select(s => s.At).ToArray()),
                new("seen", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sales.Select(s => s.SeenVersion).ToArray() },
                new("expected", sales.Count),
            },
        };
    }
}