using Orleans.Concurrency;

namespace ItSchool.Schools;

/// <summary>A school's settings, keyed by the school's id.</summary>
public interface ISchoolGrain : IGrainWithGuidKey
{
    /// <summary>Asked by every request's module gate: read-only, so a canteen rush's requests do not queue behind each other here.</summary>
    [ReadOnly]
    Task<IReadOnlySet<SchoolModule>> GetEnabledModulesAsync();

    Task EnableModuleAsync(SchoolModule module);

    Task DisableModuleAsync(SchoolModule module);
}