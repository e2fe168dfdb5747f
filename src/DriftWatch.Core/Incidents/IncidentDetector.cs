using System.Globalization;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Core.Propagation;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Incident grouping inside the monitor's behaviour state: registered on a <see cref="DriftMonitor"/>, it sees
/// every alert of every detector and every window close of a behaviour, groups the alerts by the rule of
/// <see cref="IncidentTracker"/>, adds the incidents a step opened or updated to the step
/// (<see cref="DetectionStep.Incidents"/>) and records them in <see cref="Directory"/> for the rollback webhook.
/// Its per-behaviour state (segment profile, open incident) is checkpointed, restored and evicted with the
/// behaviour, so a restart in the middle of a drift keeps adding to the same incident.
/// </summary>
public sealed class IncidentDetector : IBehaviourDetector
{
    /// <summary>The name that tags this detector's section of a checkpoint record.</summary>
    public const string DetectorName = "incidents";

    // 2: version 1 followed by the open incident's upstream cause. 3: then the incidents watched until they
    // resolve. Versions 1 and 2 are still read (nothing watched).
    private const byte StateVersion = 3;

    private readonly IncidentOptions _options;

    public IncidentDetector(IncidentOptions? options = null, IncidentDirectory? directory = null, PropagationMap? propagation = null)
    {
        _options = options ?? new IncidentOptions();
        _options.Validate();
        Directory = directory ?? new IncidentDirectory();
        Propagation = propagation;
        SettingsFingerprint = string.Join(
            ';',
            _options.GroupWindows.ToString(CultureInfo.InvariantCulture),
            _options.RelatedWindows.ToString(CultureInfo.InvariantCulture),
            _options.MaxAlertsPerIncident.ToString(CultureInfo.InvariantCulture),
            _options.ResolveWindows.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Registers incident grouping on <paramref name="monitor"/>, which must not hold behaviour state yet.</summary>
    public static IncidentDetector AddTo(DriftMonitor monitor, IncidentOptions? options = null, PropagationMap? propagation = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        var detector = new IncidentDetector(options, propagation: propagation);
        monitor.AddDetector(detector);
        return detector;
    }

    /// <summary>The incident of each alerting feature, for the rollback webhook. Thread-safe.</summary>
    public IncidentDirectory Directory { get; }

    /// <summary>
    /// The cross-agent edge map this detector feeds with every decision and asks for an upstream cause when an
    /// incident has none yet (docs/propagation.md); null when propagation is off.
    /// </summary>
    public PropagationMap? Propagation { get; }

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public string SettingsFingerprint { get; }

    /// <inheritdoc />
    public IBehaviourDetectorState CreateState(BehaviourKey key) => new State(this, key);

    private sealed class State(IncidentDetector owner, BehaviourKey key) : IBehaviourDetectorState
    {
        private BehaviourIncidents _incidents = new(new SegmentProfile());
        private IncidentResolution _resolution = new();
        private int _windowsClosed;
        private DateTimeOffset _lastWindowAt;

        public void OnEvent(DecisionEvent decision, DetectorOutput output)
        {
            _incidents.Observe(decision);
            owner.Propagation?.Observe(decision);
        }

        // Counted now, applied when the step ends: alerts of the step that closed a window still join by the
        // count before it.
        public void OnWindowClosed(in ClosedWindow window, DetectorOutput output)
        {
            _windowsClosed++;
            _lastWindowAt = window.At;
        }

        public void OnScores(IReadOnlyList<FeatureScore> scores)
        {
            if (owner._options.ResolveWindows > 0)
            {
                _resolution.Scores(scores);
            }
        }

        public void OnAlerts(IReadOnlyList<DriftAlert> alerts, DetectorOutput output)
        {
            List<OpenIncident>? touched = null;
            foreach (var alert in alerts)
            {
                var open = _incidents.Take(alert, owner._options);
                touched ??= [];
                if (!touched.Contains(open))
                {
                    touched.Add(open);
                }
            }

            if (touched is not null)
            {
                foreach (var open in touched)
                {
                    var incident = _incidents.Publish(open);
                    if (owner.Propagation is { } map)
                    {
                        incident = Propagate(map, open, incident);
                    }

                    owner.Directory.Record(incident);
                    output.Add(incident);
                    if (owner._options.ResolveWindows > 0)
                    {
                        _resolution.Published(incident);
                    }
                }
            }

            int windows = _windowsClosed;
            for (; _windowsClosed > 0; _windowsClosed--)
            {
                _incidents.WindowClosed(owner._options);
            }

            if (windows > 0 && owner._options.ResolveWindows > 0 && _resolution.WindowsClosed(windows, _lastWindowAt, owner._options.ResolveWindows) is { } resolved)
            {
                foreach (var incident in resolved)
                {
                    // A resolved incident takes no more alerts: a drift that comes back is a new incident.
                    if (_incidents.Open is { } open && string.Equals(open.Id, incident.Id, StringComparison.Ordinal))
                    {
                        _incidents.Open = null;
                    }

                    owner.Directory.Record(incident);
                    output.Add(incident);
                }
            }
        }

        // An incident looks for its upstream cause until it has one: a later alert may name the input segment
        // that moved. Every state is recorded, so incidents of agents fed by this one see its latest root.
        private static Incident Propagate(PropagationMap map, OpenIncident open, Incident incident)
        {
            var report = IncidentPropagation.ReportOf(incident, open.Alerts);
            if (open.Upstream is null && map.FindUpstream(report) is { } upstream)
            {
                open.Upstream = upstream;
                incident = incident with { Upstream = upstream };
            }

            map.RecordIncident(report);
            return incident;
        }

        public void WriteState(BinaryWriter writer)
        {
            writer.Write(StateVersion);
            _incidents.Write(writer);
            IncidentPropagation.Write(writer, _incidents.Open?.Upstream);
            _resolution.Write(writer);
        }

        public void ReadState(BinaryReader reader)
        {
            byte version = reader.ReadByte();
            if (version is not (1 or 2 or StateVersion))
            {
                throw new InvalidDataException($"Incident state version {version} of {key} is not supported (expected {StateVersion}).");
            }

            _incidents = BehaviourIncidents.Read(reader, key);
            var upstream = version >= 2 ? IncidentPropagation.Read(reader) : null;
            if (_incidents.Open is { } restored)
            {
                restored.Upstream = upstream;
            }

            if (version >= 3)
            {
                _resolution = IncidentResolution.Read(reader, key);
            }

            if (_incidents.Open is { } open)
            {
                // The webhook finds the restored incident of a redelivered alert.
                owner.Directory.Record(_incidents.Current()!);
            }
        }
    }
}
