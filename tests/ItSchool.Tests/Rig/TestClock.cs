namespace ItSchool.Tests.Rig;

/// <summary>
/// The real clock, moved forward on demand: token expiry and lockout windows are tested by jumping days
/// ahead, while timers (Orleans', the mail sender's) keep running at their normal pace.
/// </summary>
public sealed class TestClock : TimeProvider
{
    long offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}