using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>
/// A fake clock that reports every timer created on it, so a test advances time only after the code under test
/// has started waiting (advancing first would start the wait at the new time and the retry would never come).
/// </summary>
internal sealed class TimerSignallingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    public Channel<TimeSpan> TimersCreated { get; } = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        TimersCreated.Writer.TryWrite(dueTime);
        return timer;
    }
}
