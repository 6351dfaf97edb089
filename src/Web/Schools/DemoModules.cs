using ItSchool.Meetings;
using ItSchool.Schools;
using Npgsql;

namespace ItSchool.Web.Schools;

/// <summary>
/// Switches on the demo school's modules once the cluster runs (module settings live in the school grain,
/// which does not exist yet when the database is seeded). Only right after a fresh seed.
/// </summary>
public sealed class DemoModules(IGrainFactory grains, DemoSeed seed, NpgsqlDataSource db, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (seed.JustSeeded)
        {
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Wallets);
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.PointOfSale);
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Invoices);
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.BankStatements);
            await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(SchoolModule.Meetings);
            await DemoMeetings.CreateAsync(db, clock.GetUtcNow(), cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed record DemoSeed(bool JustSeeded);