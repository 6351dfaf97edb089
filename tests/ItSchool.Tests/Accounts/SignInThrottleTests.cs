using ItSchool.Accounts;
using ItSchool.Schools;

namespace ItSchool.Tests.Accounts;

public sealed class SignInThrottleTests(AccountsDatabase db) : IClassFixture<AccountsDatabase>
{
    [Theory]
    [InlineData("Amelie.Lefevre ")]
    [InlineData("nobody.at.all")]
    public async Task Five_failures_lock_a_login_for_a_while_whether_or_not_it_exists(string login)
    {
        for (var i = 1; i < SignInThrottle.MaxFailures; i++)
        {
            await db.Throttle.RecordFailureAsync(DemoSchool.Id, login);
            Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, login));
        }
        await db.Throttle.RecordFailureAsync(DemoSchool.Id, login);
        Assert.True(await db.Throttle.IsLockedAsync(DemoSchool.Id, login.Trim().ToUpperInvariant()));
        Assert.False(await db.Throttle.IsLockedAsync(Guid.NewGuid(), login));

        db.Clock.Advance(SignInThrottle.Lockout + TimeSpan.FromSeconds(1));
        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, login));
        await db.Throttle.ClearAsync(DemoSchool.Id, login);
    }

    [Fact]
    public async Task Failures_spread_beyond_the_window_never_lock()
    {
        const string login = "slow.typist";
        for (var i = 0; i < SignInThrottle.MaxFailures * 2; i++)
        {
            await db.Throttle.RecordFailureAsync(DemoSchool.Id, login);
            db.Clock.Advance(SignInThrottle.Window / 4 + TimeSpan.FromSeconds(1));
            if (i % 4 == 3)
            {
                Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, login));
            }
        }
    }

    [Fact]
    public async Task Failures_split_between_the_user_name_and_the_address_of_one_account_lock_the_account()
    {
        var marc = await db.AccountAsync("marc.dubois");
        string[] logins = ["marc.dubois", "MARC.DUBOIS@example.be", "marc.dubois", "marc.dubois@example.be"];
        foreach (var login in logins)
        {
            await db.Throttle.RecordFailureAsync(DemoSchool.Id, login);
        }
        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, "marc.dubois"));

        await db.Throttle.RecordFailureAsync(DemoSchool.Id, "marc.dubois@example.be");

        Assert.True(await db.Throttle.IsLockedAsync(DemoSchool.Id, "marc.dubois"));
        Assert.True(await db.Throttle.IsLockedAsync(DemoSchool.Id, "marc.dubois@example.be"));
        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, "pierre.lefevre"));
        await db.Throttle.ClearAsync(DemoSchool.Id, "marc.dubois", marc.Id);
        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, "marc.dubois@example.be"));
        await db.Throttle.ClearAsync(DemoSchool.Id, "marc.dubois@example.be");
    }

    [Fact]
    public async Task Logins_that_name_no_account_are_counted_each_on_its_own()
    {
        // Had unknown names shared counters, a lockout after split failures would tell which names exist.
        foreach (var login in new[] { "ghost.one", "ghost.one@example.be", "ghost.one", "ghost.one@example.be" })
        {
            await db.Throttle.RecordFailureAsync(DemoSchool.Id, login);
        }
        await db.Throttle.RecordFailureAsync(DemoSchool.Id, "ghost.one");

        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, "ghost.one"));
        Assert.False(await db.Throttle.IsLockedAsync(DemoSchool.Id, "ghost.one@example.be"));
        for (var i = 0; i < 2; i++)
        {
            await db.Throttle.RecordFailureAsync(DemoSchool.Id, "ghost.one");
        }
        Assert.True(await db.Throttle.IsLockedAsync(DemoSchool.Id, "ghost.one"));
    }
}