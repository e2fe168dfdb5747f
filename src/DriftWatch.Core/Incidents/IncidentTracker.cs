using System.Security.Cryptography;
using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Groups the alerts of each behaviour into incidents: an alert joins its behaviour's open incident while
/// fewer than <see cref="IncidentOptions.GroupWindows"/> windows of that behaviour have closed since the
/// incident's first alert, or, until <see cref="IncidentOptions.RelatedWindows"/>, when it is a moved segment
/// (or the overall outcome) that overlaps the incident's root segments and moved the way their mix predicts
/// (<see cref="RootSegmentAnalyzer.Related"/>); otherwise it opens a new one. Every detection step that opens or changes an
/// incident yields that incident's new state once. Runs on event time only (alerts and window closes), so a
/// replay gives the same incidents every run. Not thread-safe, like the monitor it follows.
/// State is small and keyed by behaviour (<see cref="WriteState"/>/<see cref="ReadState"/>).
/// </summary>
public sealed class IncidentTracker
{
    private const int StateVersion = 1;

    private readonly IncidentOptions _options;
    private readonly Dictionary<BehaviourKey, BehaviourIncidents> _behaviours = [];

    public IncidentTracker(IncidentOptions? options = null)
    {
        _options = options ?? new IncidentOptions();
        _options.Validate();
    }

    /// <summary>Counts the event's input segments, for the mixture shares of the root-segment rule.</summary>
    public void Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.InputFeatures.Count > 0)
        {
            For(decision.Key).Profile.Observe(decision);
        }
    }

    /// <summary>Takes one detection step's alerts and window closes; returns the incidents it opened or updated.</summary>
    public IReadOnlyList<Incident> Observe(DetectionStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Alerts.Count == 0 && step.Windows.Count == 0)
        {
            return [];
        }

        List<OpenIncident>? touched = null;
        foreach (var alert in step.Alerts)
        {
            var behaviour = For(alert.Key);
            var open = behaviour.Open;
            if (open is null || !Joins(open, alert, behaviour))
            {
                open = behaviour.Open = new OpenIncident(IdOf(alert));
            }

            if (open.Alerts.Count < _options.MaxAlertsPerIncident)
            {
                open.Alerts.Add(alert);
            }

            touched ??= [];
            if (!touched.Contains(open))
            {
                touched.Add(open);
            }
        }

        List<Incident>? results = null;
        if (touched is not null)
        {
            results = new List<Incident>(touched.Count);
            foreach (var open in touched)
            {
                results.Add(Build(open, _behaviours[open.Alerts[0].Key]));
                open.Published = true;
            }
        }

        foreach (var window in step.Windows)
        {
            if (_behaviours.TryGetValue(window.Key, out var behaviour) && behaviour.Open is { } open)
            {
                open.WindowsClosed++;
                if (open.WindowsClosed >= _options.RelatedWindows)
                {
                    behaviour.Open = null;
                }
            }
        }

        return results ?? [];
    }

    /// <summary>The incident a feature's alert of <paramref name="key"/> belongs to while it is open, else null.</summary>
    public Incident? OpenIncidentOf(BehaviourKey key) =>
        _behaviours.TryGetValue(key, out var behaviour) && behaviour.Open is { } open ? Build(open, behaviour) : null;

    /// <summary>
    /// The deterministic id of the incident a first alert opens: a hash of the behaviour, the alert's feature,
    /// its window start and its event time.
    /// </summary>
    public static string IdOf(DriftAlert first)
    {
        ArgumentNullException.ThrowIfNull(first);
        string text = string.Join(
            '\n',
            first.Key.AgentId,
            first.Key.Environment,
            first.Key.DecisionName,
            first.Feature,
            first.WindowStart.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            first.DetectedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return "inc-" + Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary>The key of one alert inside an incident: <c>feature@detected_at</c>.</summary>
    public static string AlertKeyOf(DriftAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Span<byte> text = stackalloc byte[Rfc3339.MaxLength];
        return $"{alert.Feature}@{Encoding.ASCII.GetString(text[..Rfc3339.Format(alert.DetectedAt, text)])}";
    }

    /// <summary>Writes every behaviour's segment counts and open incident.</summary>
    public void WriteState(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(StateVersion);
        writer.Write(_behaviours.Count);
        foreach (var (key, behaviour) in _behaviours.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
        {
            writer.Write(key.AgentId);
            writer.Write(key.Environment);
            writer.Write(key.DecisionName);
            behaviour.Profile.WriteState(writer);
            writer.Write(behaviour.Open is not null);
            if (behaviour.Open is { } open)
            {
                writer.Write(open.Id);
                writer.Write(open.WindowsClosed);
                writer.Write(open.Published);
                writer.Write(open.Alerts.Count);
                foreach (var alert in open.Alerts)
                {
                    AlertState.Write(writer, alert);
                }
            }
        }
    }

    /// <summary>Replaces this tracker's state with one written by <see cref="WriteState"/>.</summary>
    public void ReadState(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int version = reader.ReadInt32();
        if (version != StateVersion)
        {
            throw new InvalidDataException($"Incident state version {version} is not supported (expected {StateVersion}).");
        }

        _behaviours.Clear();
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var key = new BehaviourKey(reader.ReadString(), reader.ReadString(), reader.ReadString());
            var behaviour = new BehaviourIncidents(SegmentProfile.ReadState(reader));
            if (reader.ReadBoolean())
            {
                var open = new OpenIncident(reader.ReadString()) { WindowsClosed = reader.ReadInt32(), Published = reader.ReadBoolean() };
                int alerts = reader.ReadInt32();
                for (int a = 0; a < alerts; a++)
                {
                    open.Alerts.Add(AlertState.Read(reader, key));
                }

                behaviour.Open = open.Alerts.Count > 0 ? open : null;
            }

            _behaviours[key] = behaviour;
        }
    }

    private BehaviourIncidents For(BehaviourKey key)
    {
        if (!_behaviours.TryGetValue(key, out var behaviour))
        {
            behaviour = new BehaviourIncidents(new SegmentProfile());
            _behaviours.Add(key, behaviour);
        }

        return behaviour;
    }

    private bool Joins(OpenIncident open, DriftAlert alert, BehaviourIncidents behaviour)
    {
        if (open.WindowsClosed < _options.GroupWindows)
        {
            return true;
        }

        if (open.WindowsClosed >= _options.RelatedWindows || MoveOf(alert) is not { } move)
        {
            return false;
        }

        move = behaviour.Profile.MoveOf(move.Feature) ?? move;
        var moves = MovesOf(open, behaviour);
        var roots = RootSegmentAnalyzer.Analyze(moves, behaviour.Profile);
        var rootMoves = moves.Where(m => roots.Any(r => r.Root == m.Feature)).ToList();
        return rootMoves.Count > 0 && RootSegmentAnalyzer.Related(move, rootMoves, behaviour.Profile);
    }

    /// <summary>
    /// The moves of the incident's segment alerts, from the behaviour's own segment profile (every outcome value)
    /// where it has them, else from the alert's top shifts.
    /// </summary>
    private static List<SegmentMove> MovesOf(OpenIncident open, BehaviourIncidents behaviour) =>
        open.Alerts
            .Select(MoveOf)
            .OfType<SegmentMove>()
            .Select(m => behaviour.Profile.MoveOf(m.Feature) ?? m)
            .ToList();

    private static SegmentMove? MoveOf(DriftAlert alert)
    {
        if (!FeatureId.TryParse(alert.Feature, out var id) || id.Family is not (FeatureFamily.ConditionalOutcome or FeatureFamily.Outcome))
        {
            return null;
        }

        var delta = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var shift in alert.TopShifts)
        {
            delta[shift.Value] = shift.Current - shift.Reference;
        }

        return new SegmentMove(id, delta);
    }

    private static Incident Build(OpenIncident open, BehaviourIncidents behaviour)
    {
        var first = open.Alerts[0];
        var features = open.Alerts
            .Select(a => new IncidentFeature(
                a.Feature,
                a.Detector,
                a.Score,
                a.Threshold,
                a.Threshold > 0 && double.IsFinite(a.Score) ? a.Score / a.Threshold : 0,
                a.TopShifts.Count > 0 ? a.TopShifts.Max(s => Math.Abs(s.Current - s.Reference)) : null,
                a.Severity,
                a.DetectedAt,
                AlertKeyOf(a)))
            .OrderByDescending(f => f.Evidence)
            .ThenByDescending(f => f.Effect ?? 0)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToList();
        var moves = MovesOf(open, behaviour);
        var roots = RootSegmentAnalyzer.Analyze(moves, behaviour.Profile);
        var last = open.Alerts.Max(a => a.DetectedAt);
        return new Incident(open.Id, first.Key, open.Published ? IncidentStatus.Updated : IncidentStatus.Opened, first.DetectedAt, last, features, roots);
    }

    private sealed class BehaviourIncidents(SegmentProfile profile)
    {
        public SegmentProfile Profile { get; } = profile;

        public OpenIncident? Open { get; set; }
    }

    private sealed class OpenIncident(string id)
    {
        public string Id { get; } = id;

        public List<DriftAlert> Alerts { get; } = [];

        public int WindowsClosed { get; set; }

        public bool Published { get; set; }
    }
}
