using System.Globalization;
using System.Text;
using System.Text.Json;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Core.Sync;

/// <summary>A <see cref="StateSyncPlan"/> as a terminal table, as JSON (<c>driftwatch.sync-plan/v1</c>) or as a self-contained HTML page.</summary>
public static class StateSyncRenderers
{
    // Long JSON values are cut in the table and the page; the JSON output keeps them whole.
    private const int MaxValueText = 60;

    /// <summary>Header lines, then one row per differing key.</summary>
    public static string Text(StateSyncPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        text.AppendLine(Headline(plan));
        if (plan.Behaviour is { } behaviour)
        {
            text.AppendLine(Invariant($"behaviour: drift score {behaviour.DriftScore:0.000}, {plan.Features.Count} feature(s) linked against: {string.Join(", ", plan.Features)}"));
        }

        text.AppendLine();
        if (plan.Differences.Count == 0)
        {
            text.AppendLine("no differences");
            return text.ToString();
        }

        var rows = new List<string[]> { new[] { "key", "diff", plan.SourceEnvironment, "version", "changed", plan.TargetEnvironment, "version", "changed", "linked features" } };
        rows.AddRange(plan.Differences.Select(d => new[]
        {
            d.Key,
            d.KindName,
            ValueText(d.Source),
            d.Source?.StateVersion ?? "-",
            DiffTextRenderer.Time(d.Source?.ChangedAt),
            ValueText(d.Target),
            d.Target?.StateVersion ?? "-",
            DiffTextRenderer.Time(d.Target?.ChangedAt),
            d.LinkedFeatures.Count == 0 ? "-" : string.Join(", ", d.LinkedFeatures),
        }));
        TextTable.Append(text, rows, [false, false, false, false, false, false, false, false, false]);
        return text.ToString();
    }

    /// <summary>One JSON object: both environments, the differing keys with values, versions, times and linked features.</summary>
    public static string Json(StateSyncPlan plan, bool indented = true)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "driftwatch.sync-plan/v1");
            w.WriteString("agent_id", plan.AgentId);
            w.WriteString("source_environment", plan.SourceEnvironment);
            w.WriteString("target_environment", plan.TargetEnvironment);
            w.WriteNumber("source_changes", plan.SourceChanges);
            w.WriteNumber("target_changes", plan.TargetChanges);
            w.WriteNumber("same_keys", plan.SameKeys);
            if (plan.Behaviour is { } behaviour)
            {
                w.WriteNumber("drift_score", behaviour.DriftScore);
            }

            w.WriteStartArray("features");
            foreach (var feature in plan.Features)
            {
                w.WriteStringValue(feature);
            }

            w.WriteEndArray();
            w.WriteStartArray("differences");
            foreach (var d in plan.Differences)
            {
                w.WriteStartObject();
                w.WriteString("key", d.Key);
                w.WriteString("kind", d.KindName);
                WriteSide(w, "source", d.Source);
                WriteSide(w, "target", d.Target);
                w.WriteStartArray("linked_features");
                foreach (var feature in d.LinkedFeatures)
                {
                    w.WriteStringValue(feature);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A self-contained HTML page (no scripts or resources from outside the file).</summary>
    public static string Html(StateSyncPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var E = DiffHtmlRenderer.E;
        var title = $"DriftWatch state sync plan: {plan.AgentId}, {plan.SourceEnvironment} to {plan.TargetEnvironment}";
        var html = new StringBuilder(8 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title))
            .Append("</title>\n<style>\n").Append(DiffHtmlRenderer.Css).Append("</style>\n</head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n");
        html.Append("<p id=\"summary\">").Append(E(Headline(plan))).Append("</p>\n");
        if (plan.Behaviour is { } behaviour)
        {
            html.Append(Invariant($"<p class=\"score\">Behaviour drift score <b id=\"drift-score\">{behaviour.DriftScore:0.000}</b>; keys linked against: ")).Append(E(string.Join(", ", plan.Features))).Append("</p>\n");
        }

        html.Append("<table id=\"differences\" class=\"changes\">\n<thead><tr>");
        foreach (var column in new[] { "key", "difference", plan.SourceEnvironment, "version", "changed", plan.TargetEnvironment, "version", "changed", "linked features" })
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var d in plan.Differences)
        {
            html.Append(d.LinkedFeatures.Count > 0 ? "<tr class=\"significant\">" : "<tr>")
                .Append("<td>").Append(E(d.Key)).Append("</td><td>").Append(E(d.KindName)).Append("</td>");
            foreach (var side in new[] { d.Source, d.Target })
            {
                html.Append("<td><code>").Append(E(ValueText(side))).Append("</code></td><td>").Append(E(side?.StateVersion ?? "-"))
                    .Append("</td><td>").Append(E(DiffTextRenderer.Time(side?.ChangedAt))).Append("</td>");
            }

            html.Append("<td>").Append(E(string.Join(", ", d.LinkedFeatures))).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Headline(StateSyncPlan plan) => Invariant(
        $"{plan.AgentId}: {plan.Differences.Count} state key(s) differ between {plan.SourceEnvironment} ({plan.SourceChanges} change(s)) and {plan.TargetEnvironment} ({plan.TargetChanges} change(s)); {plan.SameKeys} the same");

    private static void WriteSide(Utf8JsonWriter w, string name, StateKeyValue? side)
    {
        if (side is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        w.WritePropertyName("value");
        side.Value.WriteTo(w);
        if (side.StateVersion is { } version)
        {
            w.WriteString("state_version", version);
        }

        w.WriteString("changed_at", side.ChangedAt);
        if (side.Segment.Count > 0)
        {
            w.WriteStartObject("segment");
            foreach (var (key, value) in side.Segment.OrderBy(static p => p.Key, StringComparer.Ordinal))
            {
                w.WriteString(key, value);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static string ValueText(StateKeyValue? side)
    {
        if (side is null)
        {
            return "(unset)";
        }

        var raw = side.Value.GetRawText();
        return raw.Length <= MaxValueText ? raw : raw[..(MaxValueText - 1)] + "\u2026";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
