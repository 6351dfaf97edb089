using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using ItSchool.Web.Accounts;
using Microsoft.Extensions.DependencyInjection;

namespace ItSchool.Tests.Accounts;

/// <summary>The web node with its Microsoft authority pointed at a <see cref="MicrosoftSignInStub"/>, the demo school set up to use it.</summary>
public sealed class MicrosoftSignInNode : IAsyncLifetime
{
    public MicrosoftSignInStub Provider { get; } = new();
    public WebNode Web { get; } = new();

    public async Task InitializeAsync()
    {
        await Provider.StartAsync();
        await Web.StartAsync(await (await TestPostgres.GetAsync()).CreateDatabaseAsync(), $"--ItSchool:Microsoft:Authority={Provider.BaseAddress}");
        await Web.Services.GetRequiredService<MicrosoftSignIns>().SaveForSchoolAsync(DemoSchool.Id, Provider.TenantId, Provider.ClientId,
            MicrosoftSecrets.Protect(Web.Services, MicrosoftSignInStub.ClientSecret));
    }

    public async Task DisposeAsync()
    {
        await Web.DisposeAsync();
        await Provider.DisposeAsync();
    }
}