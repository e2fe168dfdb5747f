using DriftWatch.Core.Detection;
using DriftWatch.Core.Features;
using DriftWatch.Core.Propagation;

namespace DriftWatch.Core.Incidents;

/// <summary>How an incident is described to the <see cref="PropagationMap"/>, and how its upstream is checkpointed.</summary>
internal static class IncidentPropagation
{
    /// <summary>
    /// The incident as the upstream rule sees it. Its drifted decisions start at the earliest window start of
    /// its alerts. Its segment is its root segment when it has one; else the input value that grew most in its
    /// first input-feature alert (an agent fed other inputs drifts in what it is given, <c>urgency=high</c>);
    /// else none (the whole behaviour).
    /// </summary>
    public static DriftReport ReportOf(Incident incident, IReadOnlyList<DriftAlert> alerts)
    {
        var windowStart = alerts.Count > 0 ? alerts.Min(a => a.WindowStart) : incident.StartedAt;
        return new DriftReport(incident.Key, incident.Id, incident.StartedAt, windowStart, SegmentOf(incident, alerts));
    }

    public static void Write(BinaryWriter writer, IncidentUpstream? upstream)
    {
        writer.Write(upstream is not null);
        if (upstream is not null)
        {
            writer.Write(upstream.AgentId);
            writer.Write(upstream.IncidentId);
            writer.Write(upstream.StartedAt.UtcTicks);
            writer.Write(upstream.Share);
            writer.Write(upstream.Segment ?? string.Empty);
        }
    }

    public static IncidentUpstream? Read(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        string agent = reader.ReadString();
        string id = reader.ReadString();
        var startedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
        double share = reader.ReadDouble();
        string segment = reader.ReadString();
        return new IncidentUpstream(agent, id, startedAt, share, segment.Length == 0 ? null : segment);
    }

    private static DriftSegment? SegmentOf(Incident incident, IReadOnlyList<DriftAlert> alerts)
    {
        if (incident.Root is { } root && root.Root.Family == FeatureFamily.ConditionalOutcome)
        {
            return new DriftSegment(root.Root.Key!, root.Root.Segment!);
        }

        foreach (var alert in alerts)
        {
            if (FeatureId.TryParse(alert.Feature, out var id) && id.Family == FeatureFamily.InputFeature
                && alert.TopShifts.Where(s => s.Current > s.Reference).MaxBy(s => s.Current - s.Reference) is { } grown)
            {
                return new DriftSegment(id.Key!, grown.Value);
            }
        }

        return null;
    }
}
