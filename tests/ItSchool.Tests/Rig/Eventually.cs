namespace ItSchool.Tests.Rig;

/// <summary>Waits for a condition instead of sleeping a fixed time, and fails the test if it never comes true.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, because ?? "The condition did not come true in time.");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan? within = null, string? because = null) =>
        TrueAsync(() => Task.FromResult(condition()), within, because);
}