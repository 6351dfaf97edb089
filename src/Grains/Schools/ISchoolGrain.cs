using Orleans.Concurrency;

namespace ItSchool.Schools;

/// <summary>A school's settings, keyed by the school's id.</summary>
public interface ISchoolGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Asked by every request's module gate: read-only, so a canteen rush's requests do not queue behind each other here.
    /// Answered from memory: after 5 s the silo is gone, and the request is better answered 503 (retry) than held 30 s.
    /// </summary>
    [ReadOnly]
    [ResponseTimeout("00:00:05")]
    Task<IReadOnlySet<SchoolModule>> GetEnabledModulesAsync();

    Task EnableModuleAsync(SchoolModule module);

    Task DisableModuleAsync(SchoolModule module);
}