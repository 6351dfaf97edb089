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
    public const string Refused = "IS002";

    /// <summary>
    /// The statements, run inside the ledger's batch; if one fails, the movement fails with it. One that finds its
    /// condition no longer holds (the sale's school changed since it was priced) raises SQLSTATE <see cref="Refused"/>:
    /// the movement fails as any other, without a warning in the log.
    /// </summary>
    public abstract IEnumerable<NpgsqlBatchCommand> Commands();

    /// <summary>
    /// The statements for every attachment of this type in one ledger batch (this one among them): by default each one's own.
    /// A type that hundreds of purses attach at once overrides it with set-based statements, since PostgreSQL plans every
    /// statement of a batch apart, and a hundred small inserts cost it more than the commit.
    /// </summary>
    public virtual IEnumerable<NpgsqlBatchCommand> Commands(IReadOnlyList<LedgerAttachment> sameType) => sameType.SelectMany(a => a.Commands());
}