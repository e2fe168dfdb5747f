using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// The incident state of one behaviour: its segment profile (for the root-segment rule) and its open incident.
/// Both the <see cref="IncidentTracker"/> (for a monitor without it) and the <see cref="IncidentDetector"/> (inside
/// the monitor's behaviour state, checkpointed with it) keep one per behaviour and apply the same rule.
/// </summary>
internal sealed class BehaviourIncidents(SegmentProfile profile)
{
    public SegmentProfile Profile { get; } = profile;

    public OpenIncident? Open { get; set; }

    /// <summary>Counts the event's input segments.</summary>
    public void Observe(DecisionEvent decision)
    {
        if (decision.InputFeatures.Count > 0)
        {
            Profile.Observe(decision);
        }
    }

    /// <summary>Adds an alert to the open incident, or opens a new one when it does not join; returns the incident.</summary>
    public OpenIncident Take(DriftAlert alert, IncidentOptions options)
    {
        var open = Open;
        if (open is null || !Joins(open, alert, options))
        {
            open = Open = new OpenIncident(IncidentTracker.IdOf(alert));
        }

        if (open.Alerts.Count < options.MaxAlertsPerIncident)
        {
            open.Alerts.Add(alert);
        }

        return open;
    }

    /// <summary>The incident's current state, to publish; it is "updated" from then on.</summary>
    public Incident Publish(OpenIncident open)
    {
        var incident = Build(open);
        open.Published = true;
        return incident;
    }

    /// <summary>A window of the behaviour closed: the open incident ages, and ends after the related-windows span.</summary>
    public void WindowClosed(IncidentOptions options)
    {
        if (Open is { } open)
        {
            open.WindowsClosed++;
            if (open.WindowsClosed >= options.RelatedWindows)
            {
                Open = null;
            }
        }
    }

    /// <summary>The open incident as it stands, or null.</summary>
    public Incident? Current() => Open is { } open ? Build(open) : null;

    public void Write(BinaryWriter writer)
    {
        Profile.WriteState(writer);
        writer.Write(Open is not null);
        if (Open is { } open)
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

    public static BehaviourIncidents Read(BinaryReader reader, BehaviourKey key)
    {
        var behaviour = new BehaviourIncidents(SegmentProfile.ReadState(reader));
        if (reader.ReadBoolean())
        {
            var open = new OpenIncident(reader.ReadString()) { WindowsClosed = reader.ReadInt32(), Published = reader.ReadBoolean() };
            int alerts = reader.ReadInt32();
            if (alerts is < 0 or > 1024)
            {
                throw new InvalidDataException($"Incident state of {key} lists {alerts} alerts.");
            }

            for (int a = 0; a < alerts; a++)
            {
                open.Alerts.Add(AlertState.Read(reader, key));
            }

            behaviour.Open = open.Alerts.Count > 0 ? open : null;
        }

        return behaviour;
    }

    private bool Joins(OpenIncident open, DriftAlert alert, IncidentOptions options)
    {
        if (open.WindowsClosed < options.GroupWindows)
        {
            return true;
        }

        if (open.WindowsClosed >= options.RelatedWindows || MoveOf(alert) is not { } move)
        {
            return false;
        }

        move = Profile.MoveOf(move.Feature) ?? move;
        var moves = MovesOf(open);
        var roots = RootSegmentAnalyzer.Analyze(moves, Profile);
        var rootMoves = moves.Where(m => roots.Any(r => r.Root == m.Feature)).ToList();
        return rootMoves.Count > 0 && RootSegmentAnalyzer.Related(move, rootMoves, Profile);
    }

    /// <summary>
    /// The moves of the incident's segment alerts, from the behaviour's own segment profile (every outcome value)
    /// where it has them, else from the alert's top shifts.
    /// </summary>
    private List<SegmentMove> MovesOf(OpenIncident open) =>
        open.Alerts
            .Select(MoveOf)
            .OfType<SegmentMove>()
            .Select(m => Profile.MoveOf(m.Feature) ?? m)
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

    private Incident Build(OpenIncident open)
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
                IncidentTracker.AlertKeyOf(a)))
            .OrderByDescending(f => f.Evidence)
            .ThenByDescending(f => f.Effect ?? 0)
            .ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToList();
        var moves = MovesOf(open);
        var roots = RootSegmentAnalyzer.Analyze(moves, Profile);
        var last = open.Alerts.Max(a => a.DetectedAt);
        return new Incident(open.Id, first.Key, open.Published ? IncidentStatus.Updated : IncidentStatus.Opened, first.DetectedAt, last, features, roots)
        {
            Upstream = open.Upstream,
        };
    }
}

/// <summary>An incident still taking alerts.</summary>
internal sealed class OpenIncident(string id)
{
    public string Id { get; } = id;

    public List<DriftAlert> Alerts { get; } = [];

    public int WindowsClosed { get; set; }

    public bool Published { get; set; }

    /// <summary>The upstream cause found for it, kept for its later states (and checkpointed by the detector).</summary>
    public IncidentUpstream? Upstream { get; set; }
}
