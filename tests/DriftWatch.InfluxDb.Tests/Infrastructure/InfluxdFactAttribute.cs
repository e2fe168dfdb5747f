namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>A fact that needs a real influxd; skipped, naming the binary and how to install it, where none exists.</summary>
public sealed class InfluxdFactAttribute : FactAttribute
{
    public InfluxdFactAttribute()
    {
        if (InfluxdServer.BinaryPath is null)
        {
            Skip = InfluxdServer.InstallHint;
        }
    }
}
