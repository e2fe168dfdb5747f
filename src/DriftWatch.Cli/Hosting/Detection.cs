using DriftWatch.Core.Detection;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Snapshots;
using DriftWatch.Ml;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The drift monitor from settings: the statistical detectors (<c>Detection</c>), plus the ML.NET
/// detectors (domain classifier, PCA window anomaly, optional MiniLM embeddings) when
/// <c>Detection:Ml:Enabled</c> is true, with pinned snapshots (<c>driftwatch snapshot pin</c>, in
/// <c>Snapshots:Directory</c>) as the reference of their agents unless <c>Detection:UsePinnedSnapshots</c> is
/// false, and example decisions on alerts and incidents unless <c>Exemplars:Enabled</c> is false. <c>run</c>, <c>replay</c> and <c>demo</c> build it the same way, so a recording replays with the
/// detectors and baselines that saw it live.
/// </summary>
internal static class Detection
{
    internal static DriftMonitorOptions Options(IConfiguration configuration)
    {
        var options = new DriftMonitorOptions();
        configuration.GetSection("Detection").Bind(options);
        options.Validate();
        return options;
    }

    /// <summary>The monitor chain and, inside it, the statistical monitor that owns the checkpointable state.</summary>
    /// <remarks>
    /// <paramref name="propagation"/> is the one cross-agent map of the process: every stack (one per detection
    /// shard) shares it, so an upstream agent on another shard is still found. So is <paramref name="incidentDirectory"/>
    /// (a new one when null), where the rollback webhook finds the incident of any agent.
    /// </remarks>
    internal static async Task<DetectionStack> CreateAsync(DriftWatchSettings settings, Core.Propagation.PropagationMap? propagation, CancellationToken cancellationToken, IncidentDirectory? incidentDirectory = null)
    {
        var configuration = settings.Configuration;
        var detector = new DriftMonitor(Options(configuration));
        IDriftMonitor monitor = detector;
        var ml = configuration.GetSection("Detection:Ml");
        if (ml.GetValue("Enabled", defaultValue: false))
        {
            var mlOptions = new MlDetectionOptions();
            ml.Bind(mlOptions);
            mlOptions.Validate();
            monitor = new MlDriftMonitor(detector, mlOptions);
        }

        var pinned = configuration.GetValue("Detection:UsePinnedSnapshots", defaultValue: true)
            ? await PinnedSnapshotsAsync(configuration, cancellationToken).ConfigureAwait(false)
            : [];
        foreach (var snapshot in pinned)
        {
            detector.PinSnapshot(snapshot);
        }

        // After the ML detectors, so incidents group every alert the sinks publish; checkpointed with the behaviour.
        // One cross-agent map for every behaviour: incidents name the upstream agent whose drift reaches them.
        var incidents = new IncidentDetector(settings.Incidents, incidentDirectory, propagation);
        detector.AddDetector(incidents);

        // After incidents, so the exemplars of an incident come from its root segment.
        var exemplars = new ExemplarOptions();
        configuration.GetSection("Exemplars").Bind(exemplars);
        exemplars.Validate();
        if (exemplars.Enabled)
        {
            ExemplarDetector.AddTo(detector, exemplars);
        }

        return new DetectionStack(monitor, detector, pinned) { Incidents = incidents };
    }

    private static async Task<List<BehaviourSnapshot>> PinnedSnapshotsAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var directory = configuration["Snapshots:Directory"] is { Length: > 0 } configured ? configured : LocalDirectorySnapshotStore.DefaultDirectory;
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var store = new LocalDirectorySnapshotStore(directory);
        var snapshots = new List<BehaviourSnapshot>();
        foreach (var pin in await store.ListPinsAsync(cancellationToken).ConfigureAwait(false))
        {
            snapshots.Add(await store.GetAsync(pin.SnapshotId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Snapshot {pin.SnapshotId}, pinned for {pin.AgentId}/{pin.Environment}, is missing from {directory}."));
        }

        return snapshots;
    }
}

/// <summary>The monitor events are fed to, and the statistical monitor inside it whose state is checkpointed.</summary>
internal sealed record DetectionStack(IDriftMonitor Monitor, DriftMonitor Detector, IReadOnlyList<BehaviourSnapshot> Pinned)
{
    /// <summary>The incident stage around the chain: its tracker state and the directory the rollback webhook reads.</summary>
    public IncidentDetector? Incidents { get; init; }

    /// <summary>
    /// A pinned snapshot is the reference for detection and the rollback target alike: each pin becomes the
    /// catalog's baseline of its agent, with the versions the snapshot saw most.
    /// </summary>
    internal void PinInto(Api.Rollback.MonitorBaselineCatalog catalog)
    {
        foreach (var snapshot in Pinned)
        {
            catalog.Pin(snapshot.Scope.AgentId, snapshot.Scope.Environment, new Api.Rollback.RollbackBaseline(
                MostSeen(snapshot.AgentVersions),
                MostSeen(snapshot.StateVersions),
                snapshot.To ?? snapshot.From ?? DateTimeOffset.MinValue,
                snapshot.Id));
        }
    }

    private static string? MostSeen(CategoryCounts counts) => counts.Counts
        .Where(static kv => kv.Key != CategoryCounts.OtherKey)
        .OrderByDescending(static kv => kv.Value)
        .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
        .Select(static kv => kv.Key)
        .FirstOrDefault();
}
