using System.Text;
using System.Text.Json;

namespace DriftWatch.Core.Snapshots;

/// <summary>Renders a <see cref="SnapshotDiff"/> as JSON for scripts and the HTTP API.</summary>
public static class DiffJsonRenderer
{
    /// <summary>
    /// The diff as one JSON object: both snapshots' ids and scopes, the drift score, and the ranked changes
    /// with distance, p-value, counts, summary and top shifts.
    /// </summary>
    public static string Render(SnapshotDiff diff, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(diff);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "driftwatch.snapshot-diff/v1");
            WriteSide(w, "baseline", diff.Baseline);
            WriteSide(w, "candidate", diff.Candidate);
            w.WriteNumber("drift_score", diff.DriftScore);
            w.WriteBoolean("has_changes", diff.HasChanges);
            w.WriteStartArray("root_segments");
            foreach (var root in diff.RootSegments)
            {
                w.WriteStartObject();
                w.WriteString("segment", root.Segment);
                w.WriteString("feature", root.Root.Format());
                w.WriteString("summary", root.Sentence);
                w.WriteStartArray("explains");
                foreach (var explained in root.Explains)
                {
                    w.WriteStringValue(explained.Format());
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("changes");
            foreach (var c in diff.Changes)
            {
                w.WriteStartObject();
                w.WriteString("feature", c.Feature);
                w.WriteString("base_feature", c.BaseFeature);
                if (c.Segment is { } segment)
                {
                    w.WriteString("segment", segment.ToString());
                }

                w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                w.WriteNumber("distance", c.Distance);
                w.WriteNumber("p_value", c.PValue);
                w.WriteBoolean("significant", c.Significant);
                w.WriteNumber("baseline_count", c.BaselineCount);
                w.WriteNumber("candidate_count", c.CandidateCount);
                if (c.NormalisedWasserstein is { } wasserstein)
                {
                    w.WriteNumber("normalised_wasserstein", wasserstein);
                }

                w.WriteString("summary", c.Summary);
                w.WriteStartArray("top_shifts");
                foreach (var shift in c.TopShifts)
                {
                    w.WriteStartObject();
                    w.WriteString("value", shift.Value);
                    w.WriteNumber("baseline", shift.Reference);
                    w.WriteNumber("candidate", shift.Current);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Exemplars.ExemplarJson.Write(w, diff.Exemplars);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSide(Utf8JsonWriter w, string name, BehaviourSnapshot s)
    {
        w.WriteStartObject(name);
        w.WriteString("id", s.Id);
        w.WriteString("agent_id", s.Scope.AgentId);
        w.WriteString("environment", s.Scope.Environment);
        if (s.Scope.DecisionName is { } decision)
        {
            w.WriteString("decision_name", decision);
        }

        if (s.From is { } from && s.To is { } to)
        {
            w.WriteString("from", from);
            w.WriteString("to", to);
        }

        w.WriteNumber("event_count", s.EventCount);
        w.WriteEndObject();
    }
}
