using ItSchool.Platform.Orleans;

namespace ItSchool.Schools;

public sealed class SchoolGrain(
    [PersistentState("school-settings", GrainStorage.Name)] IPersistentState<SchoolSettings> settings)
    : Grain, ISchoolGrain
{
    public Task<IReadOnlySet<SchoolModule>> GetEnabledModulesAsync() =>
        Task.FromResult<IReadOnlySet<SchoolModule>>(settings.State.EnabledModules.ToHashSet());

    public async Task EnableModuleAsync(SchoolModule module)
    {
        if (settings.State.EnabledModules.Add(module))
        {
            await settings.WriteStateAsync();
        }
    }

    public async Task DisableModuleAsync(SchoolModule module)
    {
        if (settings.State.EnabledModules.Remove(module))
        {
            await settings.WriteStateAsync();
        }
    }
}

[GenerateSerializer]
public sealed class SchoolSettings
{
    [Id(0)] public HashSet<SchoolModule> EnabledModules { get; set; } = [];
}