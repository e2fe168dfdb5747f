using System.Security.Cryptography;
using System.Text;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

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
            For(decision.Key).Observe(decision);
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

        List<(OpenIncident Open, BehaviourIncidents Behaviour)>? touched = null;
        foreach (var alert in step.Alerts)
        {
            var behaviour = For(alert.Key);
            var open = behaviour.Take(alert, _options);
            touched ??= [];
            if (!touched.Exists(t => t.Open == open))
            {
                touched.Add((open, behaviour));
            }
        }

        var results = touched?.ConvertAll(t => t.Behaviour.Publish(t.Open));
        foreach (var window in step.Windows)
        {
            if (_behaviours.TryGetValue(window.Key, out var behaviour))
            {
                behaviour.WindowClosed(_options);
            }
        }

        return results ?? [];
    }

    /// <summary>The incident a feature's alert of <paramref name="key"/> belongs to while it is open, else null.</summary>
    public Incident? OpenIncidentOf(BehaviourKey key) =>
        _behaviours.TryGetValue(key, out var behaviour) ? behaviour.Current() : null;

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
            behaviour.Write(writer);
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
            _behaviours[key] = BehaviourIncidents.Read(reader, key);
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
}
