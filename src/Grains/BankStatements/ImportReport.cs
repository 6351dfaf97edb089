using ItSchool.Wallets;

namespace ItSchool.BankStatements;

public enum ImportStatus
{
    Previewed,
    Applied,
    Rejected,
}

/// <summary>
/// An import as its history keeps it: what the file held and what applying it did. <paramref name="UploadedByKind"/>
/// says whether <paramref name="UploadedBy"/> is a person or an API key's name.
/// </summary>
public sealed record ImportReport(
    Guid Id, string FileName, StatementFormat? Format, ImportStatus Status, StatementProblem? Problem, DateTimeOffset UploadedAt, string UploadedBy,
    ActorKind UploadedByKind, DateTimeOffset? AppliedAt, int Statements, int Movements, int Duplicates, int Credited, long CreditedCents, int InvoicesPaid,
    int Unmatched);

/// <summary>A statement of a file and whether it was imported before (same account, number and content).</summary>
public sealed record StatementState(StatementSummary Summary, bool AlreadyImported);

/// <summary>What applying a file would do, before anything is recorded.</summary>
public sealed record ImportPreview(
    ImportReport Import, IReadOnlyList<StatementState> Statements, int NewMovements, int Duplicates, int WalletCount, long WalletCents,
    int InvoiceCount, long InvoiceCents, int ToResolve, IReadOnlyList<MovementMatch> Lines)
{
    public bool AlreadyImported => Statements.Count > 0 && Statements.All(s => s.AlreadyImported);
}