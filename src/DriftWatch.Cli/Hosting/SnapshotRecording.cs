using DriftWatch.Core.Detection;
using DriftWatch.Core.Snapshots;
using DriftWatch.Service.Snapshots;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The snapshot recorder from the <c>Snapshots</c> settings section, wrapping the drift monitor; null when
/// <c>Snapshots:Enabled</c> is false. Unless <c>Snapshots:ReferenceEvents</c> is set, the reference snapshot
/// covers the same decisions as the detector's reference window (<c>Detection:ReferenceSize</c>).
/// </summary>
internal static class SnapshotRecording
{
    internal static SnapshotRecorderOptions Options(IConfiguration configuration)
    {
        var options = new SnapshotRecorderOptions { ReferenceEvents = Detection.Options(configuration).ReferenceSize };
        configuration.GetSection("Snapshots").Bind(options);
        options.Validate();
        return options;
    }

    /// <summary>One recorder over every detection shard's monitor (one store and write queue); null when disabled.</summary>
    internal static SnapshotRecorder? Create(DriftWatchSettings settings, IReadOnlyList<DriftMonitor> monitors, ILoggerFactory loggers)
    {
        var options = Options(settings.Configuration);
        if (!options.Enabled)
        {
            return null;
        }

        var store = new LocalDirectorySnapshotStore(options.Directory);
        return new SnapshotRecorder(monitors, store, options, logger: loggers.CreateLogger("DriftWatch.Snapshots"));
    }
}
