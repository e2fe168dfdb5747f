using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Snapshots;

internal static partial class SnapshotLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Snapshot queue full: dropped snapshot {SnapshotId} of {Scope}")]
    internal static partial void Dropped(ILogger logger, string scope, string snapshotId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Could not store snapshot {SnapshotId} of {Scope}")]
    internal static partial void WriteFailed(ILogger logger, Exception exception, string scope, string snapshotId);
}
