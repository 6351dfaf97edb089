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
}