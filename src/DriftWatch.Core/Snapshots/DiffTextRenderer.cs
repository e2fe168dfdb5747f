using System.Globalization;
using System.Text;

namespace DriftWatch.Core.Snapshots;

/// <summary>Renders a <see cref="SnapshotDiff"/> as a plain-text table with aligned columns, for terminals.</summary>
public static class DiffTextRenderer
{
    /// <summary>
    /// The diff as text: a header naming both snapshots, then one row per feature or segment in rank order.
    /// </summary>
    /// <param name="diff">The diff to render.</param>
    /// <param name="maxRows">Most rows shown; the rest are counted in a footer line.</param>
    /// <param name="significantOnly">Show only significant changes.</param>
    public static string Render(SnapshotDiff diff, int maxRows = 25, bool significantOnly = false)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var text = new StringBuilder();
        text.Append("baseline   ").AppendLine(Describe(diff.Baseline));
        text.Append("candidate  ").AppendLine(Describe(diff.Candidate));
        var significant = diff.Changes.Count(static c => c.Significant);
        text.AppendLine(Invariant($"drift score {diff.DriftScore:0.000}: {significant} significant change(s) among {diff.Changes.Count} features and segments compared"));
        foreach (var root in diff.RootSegments.Where(static r => r.Explains.Count > 0))
        {
            text.Append("root segment: ").AppendLine(root.Sentence);
        }
        text.AppendLine();

        var rows = (significantOnly ? diff.Significant : diff.Changes).ToList();
        var shown = rows.Take(maxRows).ToList();
        if (shown.Count == 0)
        {
            text.AppendLine("no changes");
            return text.ToString();
        }

        string[] header = ["#", "feature", "kind", "distance", "p-value", "n base", "n cand", "sig", "what moved"];
        var table = new List<string[]> { header };
        table.AddRange(shown.Select((c, i) => new[]
        {
            (i + 1).ToString(CultureInfo.InvariantCulture),
            c.Feature,
            c.Kind.ToString().ToLowerInvariant(),
            c.Distance.ToString("0.000", CultureInfo.InvariantCulture),
            PValue(c.PValue),
            c.BaselineCount.ToString(CultureInfo.InvariantCulture),
            c.CandidateCount.ToString(CultureInfo.InvariantCulture),
            c.Significant ? "yes" : "no",
            c.Summary,
        }));

        TextTable.Append(text, table, [false, false, false, true, true, true, true, false, false]);

        if (rows.Count > shown.Count)
        {
            text.AppendLine(Invariant($"... {rows.Count - shown.Count} more"));
        }

        if (diff.Exemplars is { } exemplars)
        {
            text.AppendLine();
            text.Append("example decisions, ").AppendLine(exemplars.Segment);
            AppendExemplars(text, "baseline", exemplars.Reference);
            AppendExemplars(text, "candidate", exemplars.Drifted);
        }

        return text.ToString();
    }

    private static void AppendExemplars(StringBuilder text, string side, IReadOnlyList<Exemplars.Exemplar> exemplars)
    {
        foreach (var e in exemplars)
        {
            text.Append(side.PadRight(11)).Append(Time(e.Timestamp)).Append("  ").Append(e.EventId).Append("  -> ").Append(e.Outcome);
            if (e.InputText is { } input)
            {
                text.Append("  in: \"").Append(OneLine(input)).Append('"');
            }

            if (e.OutputText is { } output)
            {
                text.Append("  out: \"").Append(OneLine(output)).Append('"');
            }

            text.AppendLine();
        }
    }

    // A text with line breaks would break the row layout of a terminal report.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    internal static string Describe(BehaviourSnapshot s) =>
        Invariant($"{s.Id}  {s.Scope}  {Time(s.From)} .. {Time(s.To)}  {s.EventCount} events");

    internal static string PValue(double p) => p switch
    {
        0 => "0",
        < 1e-4 => p.ToString("0.0e+0", CultureInfo.InvariantCulture),
        _ => p.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    internal static string Time(DateTimeOffset? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
