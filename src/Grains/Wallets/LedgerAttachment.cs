using Npgsql;

namespace ItSchool.Wallets;

/// <summary>
/// A row another feature writes in the same transaction as a movement's ledger entries — a meal booking with its
/// debit, its refund with the credit — so that both are durable or neither, in the purse's one commit. It is
/// written with the movement only: a replay of the movement's key writes nothing again.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record LedgerAttachment
{
    /// <summary>The statements, run inside the ledger's batch; if one fails, the movement fails with it.</summary>
    public abstract IEnumerable<NpgsqlBatchCommand> Commands();
}