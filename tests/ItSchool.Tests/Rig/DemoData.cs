using ItSchool.BankStatements;
using ItSchool.PointOfSale;
using ItSchool.Schools;
using ItSchool.Wallets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ItSchool.Tests.Rig;

/// <summary>
/// The demo school with the money side of its demo data (wallets, the canteen, the bank key), for tests that
/// start a cluster of their own rather than a web node (which seeds them through the features).
/// </summary>
public static class DemoData
{
    public static async Task SeedAsync(NpgsqlDataSource db)
    {
        await DemoSchool.SeedIfEmptyAsync(db, NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;
        await DemoWallets.SeedAsync(db, now, CancellationToken.None);
        await DemoPos.SeedAsync(db, now, CancellationToken.None);
        await DemoBankStatements.SeedAsync(db, now, CancellationToken.None);
    }
}