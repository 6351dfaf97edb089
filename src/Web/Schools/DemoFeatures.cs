using ItSchool.Schools;
using ItSchool.Web.Shell;

namespace ItSchool.Web.Schools;

/// <summary>
/// Right after a fresh demo seed, once the cluster runs: switches on each feature's module for the demo school
/// (module settings live in the school grain, which does not exist when the database is seeded) and lets the
/// feature add its demo data. Never in production: there the demo school is never seeded.
/// </summary>
public sealed class DemoFeatures(IGrainFactory grains, DemoSeed seed, Features features, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!seed.JustSeeded)
        {
            return;
        }
        foreach (var feature in features.All)
        {
            if (feature.Module is { } module)
            {
                await grains.GetGrain<ISchoolGrain>(DemoSchool.Id).EnableModuleAsync(module);
            }
            await feature.SeedDemoAsync(services, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed record DemoSeed(bool JustSeeded);