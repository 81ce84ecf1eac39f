namespace DefectApi.Tests.Infrastructure;

/// <summary>The service's clock for tests that need time to pass: real time moved by <see cref="Offset"/>, which a test
/// may move forward. Timers still run in real time, so background loops behave as in production.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Offset += by;

    /// <summary>A clock that reads one minute past the next whole UTC hour, so that a test of a few minutes gives all its
    /// answers within one hourly bucket.</summary>
    public static ShiftedClock JustPastAWholeHour()
    {
        var now = System.GetUtcNow();
        var nextHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(1);
        return new ShiftedClock { Offset = nextHour.AddMinutes(1) - now };
    }
}
