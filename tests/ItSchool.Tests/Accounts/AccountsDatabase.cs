using ItSchool.Accounts;
using ItSchool.Schools;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.Logging.Abstractions;

namespace ItSchool.Tests.Accounts;

/// <summary>A migrated database holding the demo school, with the account services on a test clock.</summary>
public sealed class AccountsDatabase : IAsyncLifetime
{
    readonly MigratedDatabase database = new();

    public TestClock Clock { get; } = new();
    public AccountDirectory Accounts { get; private set; } = null!;
    public LoginTokens Tokens { get; private set; } = null!;
    public SignInThrottle Throttle { get; private set; } = null!;
    public MigratedDatabase Database => database;

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        await DemoSchool.SeedIfEmptyAsync(database.Db, NullLogger.Instance);
        Accounts = new AccountDirectory(database.Db, Clock);
        Tokens = new LoginTokens(database.Db, Clock);
        Throttle = new SignInThrottle(database.Db, Clock);
    }

    public Task DisposeAsync() => database.DisposeAsync();

    public async Task<UserAccount> AccountAsync(string userName) =>
        (await Accounts.FindByEmailAsync(DemoSchool.Id, DemoSchool.Accounts.Single(a => a.UserName == userName).Email)).Single();
}