using ItSchool.BankStatements;
using ItSchool.Wallets;
using ItSchool.Web.Work;
using ItSchool.Work;

namespace ItSchool.Web.BankStatements;

/// <summary>
/// The manager's "Appliquer" on previewed files, as background work: each file recorded, then its movements credited,
/// the bar counting the movements. Run again after its node died, it records what was not recorded and credits what
/// was not credited (<see cref="BankImports.ApplyAsync"/>); the bank reference keeps any credit from happening twice.
/// </summary>
public sealed class BankImportWork(BankImports imports) : IWorkKind
{
    public const string Name = "bank-import";

    public sealed record Arguments(IReadOnlyList<Guid> Imports, string ActorId, string ActorName);

    public string Kind => Name;

    public async Task<WorkOutcome> RunAsync(WorkItem item, WorkProgress progress, CancellationToken cancellationToken)
    {
        var arguments = item.ArgumentsAs<Arguments>();
        var actor = new Actor(ActorKind.User, arguments.ActorId, arguments.ActorName);
        int doneBefore = 0, totalBefore = 0;
        foreach (var importId in arguments.Imports)
        {
            int done = 0, total = 0;
            await imports.ApplyAsync(item.SchoolId, importId, actor, (d, t) =>
            {
                (done, total) = (d, t);
                return progress.ReportAsync(doneBefore + d, totalBefore + t, cancellationToken);
            }, cancellationToken);
            (doneBefore, totalBefore) = (doneBefore + done, totalBefore + total);
        }
        return new WorkOutcome(BankStatementPages.ReportPage(arguments.Imports));
    }
}