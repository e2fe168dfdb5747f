namespace DriftWatch.Service.Telemetry;

/// <summary>Names under which DriftWatch publishes its System.Diagnostics instruments, for an OpenTelemetry SDK to subscribe to.</summary>
public static class DriftWatchTelemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the ingest pipeline.</summary>
    public const string MeterName = "DriftWatch.Pipeline";
}
