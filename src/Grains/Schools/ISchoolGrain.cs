namespace ItSchool.Schools;

/// <summary>A school's settings, keyed by the school's id.</summary>
public interface ISchoolGrain : IGrainWithGuidKey
{
    Task<IReadOnlySet<SchoolModule>> GetEnabledModulesAsync();

    Task EnableModuleAsync(SchoolModule module);

    Task DisableModuleAsync(SchoolModule module);
}