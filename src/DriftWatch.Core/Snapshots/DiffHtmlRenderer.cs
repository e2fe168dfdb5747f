using System.Globalization;
using System.Net;
using System.Text;
using DriftWatch.Core.Features;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Renders a <see cref="SnapshotDiff"/> as one self-contained HTML file: summary, ranked table and an inline
/// SVG chart per top change. Nothing is loaded from the network (no scripts, fonts or images outside the
/// file), so the report can be attached to a ticket or opened offline.
/// </summary>
public static class DiffHtmlRenderer
{
    private const string BaselineColour = "#4c78a8";
    private const string CandidateColour = "#f58518";
    private const int ChartWidth = 560;

    /// <summary>The report as an HTML document.</summary>
    /// <param name="diff">The diff to render.</param>
    /// <param name="maxCharts">Charts drawn, for the top-ranked changes. Default 8.</param>
    /// <param name="title">Page title; defaults to the agent and environments compared.</param>
    public static string Render(SnapshotDiff diff, int maxCharts = 8, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCharts);
        title ??= $"DriftWatch snapshot diff: {diff.Baseline.Scope} vs {diff.Candidate.Scope}";
        var html = new StringBuilder(32 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(E(title)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<h1>").Append(E(title)).Append("</h1>\n");
        html.Append("<table class=\"sides\"><tr><th>baseline</th><td>").Append(E(DiffTextRenderer.Describe(diff.Baseline)))
            .Append("</td></tr><tr><th>candidate</th><td>").Append(E(DiffTextRenderer.Describe(diff.Candidate))).Append("</td></tr></table>\n");
        var significant = diff.Changes.Count(static c => c.Significant);
        html.Append(Invariant($"<p class=\"score\">Drift score <b id=\"drift-score\">{diff.DriftScore:0.000}</b>: {significant} significant change(s) among {diff.Changes.Count} features and segments compared.</p>\n"));
        foreach (var root in diff.RootSegments.Where(static r => r.Explains.Count > 0))
        {
            html.Append("<p class=\"root-segment\">Root segment: <b>").Append(E(root.Segment)).Append("</b> explains ")
                .Append(E(string.Join(", ", root.Explains.Select(RootSegmentAnalyzer.SegmentName))))
                .Append(Invariant($" ({root.Explains.Count} other moved segment{(root.Explains.Count == 1 ? string.Empty : "s")}).</p>\n"));
        }

        html.Append(Invariant($"<p class=\"legend\"><span style=\"color:{BaselineColour}\">&#9632; baseline</span> <span style=\"color:{CandidateColour}\">&#9632; candidate</span></p>\n"));

        html.Append("<section id=\"charts\">\n");
        foreach (var change in diff.Changes.Take(maxCharts))
        {
            html.Append("<figure class=\"change").Append(change.Significant ? " significant" : string.Empty).Append("\">\n<figcaption><b>")
                .Append(E(change.Feature)).Append("</b> ").Append(E(change.Summary))
                .Append(Invariant($" <span class=\"meta\">distance {change.Distance:0.000}, p {DiffTextRenderer.PValue(change.PValue)}</span></figcaption>\n"));
            html.Append(change.Kind == FeatureKind.Numeric ? CdfChart(diff, change) : BarChart(change));
            html.Append("</figure>\n");
        }

        html.Append("</section>\n");
        AppendExemplars(html, diff);
        AppendTable(html, diff);
        html.Append("<script>\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendExemplars(StringBuilder html, SnapshotDiff diff)
    {
        if (diff.Exemplars is not { } exemplars)
        {
            return;
        }

        html.Append("<h2>Example decisions: ").Append(E(exemplars.Segment)).Append("</h2>\n<table id=\"exemplars\" class=\"exemplars\">\n<thead><tr>");
        foreach (var column in (ReadOnlySpan<string>)["side", "time", "event id", "outcome", "input", "output"])
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (side, list, colour) in new[] { ("baseline", exemplars.Reference, BaselineColour), ("candidate", exemplars.Drifted, CandidateColour) })
        {
            foreach (var e in list)
            {
                html.Append(Invariant($"<tr class=\"exemplar {side}\"><td class=\"side\" style=\"background:{colour}\">{side}</td><td>{E(e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td>"))
                    .Append("<td>").Append(E(e.EventId)).Append("</td><td><b>").Append(E(e.Outcome)).Append("</b></td><td>")
                    .Append(E(e.InputText ?? string.Empty)).Append("</td><td>").Append(E(e.OutputText ?? string.Empty)).Append("</td></tr>\n");
            }
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static void AppendTable(StringBuilder html, SnapshotDiff diff)
    {
        html.Append("<h2>All features and segments</h2>\n<table id=\"changes\" class=\"changes\">\n<thead><tr>");
        foreach (var column in (ReadOnlySpan<string>)["#", "feature", "kind", "distance", "p-value", "n base", "n cand", "significant", "what moved"])
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        var rank = 0;
        foreach (var c in diff.Changes)
        {
            rank++;
            html.Append(c.Significant ? "<tr class=\"significant\">" : "<tr>")
                .Append(Invariant($"<td>{rank}</td><td>{E(c.Feature)}</td><td>{c.Kind.ToString().ToLowerInvariant()}</td>"))
                .Append(Invariant($"<td data-v=\"{c.Distance:R}\">{c.Distance:0.000}</td><td data-v=\"{c.PValue:R}\">{E(DiffTextRenderer.PValue(c.PValue))}</td>"))
                .Append(Invariant($"<td>{c.BaselineCount}</td><td>{c.CandidateCount}</td><td>{(c.Significant ? "yes" : "no")}</td><td>{E(c.Summary)}</td></tr>\n"));
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string BarChart(FeatureChange change)
    {
        // Paired horizontal bars: baseline and candidate share (or rate) of each value that moved most.
        var shifts = change.TopShifts;
        const int Label = 180;
        const int Row = 34;
        var height = Math.Max(1, shifts.Count) * Row + 24;
        var max = shifts.Select(static s => Math.Max(s.Reference, s.Current)).DefaultIfEmpty(0).Max();
        max = max > 0 ? max : 1;
        var isShare = change.Kind != FeatureKind.Text;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg class=\"chart bar-chart\" role=\"img\" width=\"{ChartWidth}\" height=\"{height}\" viewBox=\"0 0 {ChartWidth} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n"));
        svg.Append(Invariant($"<title>{E(change.Feature)}</title>\n"));
        var barSpace = ChartWidth - Label - 70;
        for (var i = 0; i < shifts.Count; i++)
        {
            var s = shifts[i];
            var y = 12 + i * Row;
            svg.Append(Invariant($"<text x=\"{Label - 6}\" y=\"{y + 16}\" text-anchor=\"end\" class=\"label\">{E(Truncate(s.Value, 26))}</text>\n"));
            AppendBar(svg, Label, y, s.Reference / max * barSpace, BaselineColour, s.Reference, isShare, "baseline");
            AppendBar(svg, Label, y + 13, s.Current / max * barSpace, CandidateColour, s.Current, isShare, "candidate");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void AppendBar(StringBuilder svg, int x, int y, double width, string colour, double value, bool isShare, string side)
    {
        var text = isShare ? FeatureComparer.Percent(value) : FeatureComparer.Rate(value) + "/1k";
        svg.Append(Invariant($"<rect class=\"bar {side}\" x=\"{x}\" y=\"{y}\" width=\"{Math.Max(width, 0.5):0.#}\" height=\"12\" fill=\"{colour}\"><title>{side}: {E(text)}</title></rect>"));
        svg.Append(Invariant($"<text x=\"{x + Math.Max(width, 0.5) + 4:0.#}\" y=\"{y + 10}\" class=\"value\">{E(text)}</text>\n"));
    }

    private static string CdfChart(SnapshotDiff diff, FeatureChange change)
    {
        // Both empirical CDFs drawn from the sketches' quantiles on a shared value axis.
        const int Height = 220;
        const int Left = 50;
        const int Right = 20;
        const int Top = 10;
        const int Bottom = 30;
        var a = diff.Baseline.Numeric.GetValueOrDefault(change.Feature);
        var b = diff.Candidate.Numeric.GetValueOrDefault(change.Feature);
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg class=\"chart cdf-chart\" role=\"img\" width=\"{ChartWidth}\" height=\"{Height}\" viewBox=\"0 0 {ChartWidth} {Height}\" xmlns=\"http://www.w3.org/2000/svg\">\n"));
        svg.Append(Invariant($"<title>{E(change.Feature)} cumulative distribution</title>\n"));
        var present = new[] { a, b }.Where(static s => s is { Count: > 0 }).Select(static s => s!).ToList();
        if (present.Count == 0)
        {
            return svg.Append("</svg>\n").ToString();
        }

        var low = present.Min(static s => s.Quantile(0.005));
        var high = present.Max(static s => s.Quantile(0.995));
        if (high <= low)
        {
            high = low + 1;
        }

        var plotW = ChartWidth - Left - Right;
        var plotH = Height - Top - Bottom;
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n"));
        for (var tick = 0; tick <= 4; tick++)
        {
            var x = Left + tick * plotW / 4.0;
            var value = low + tick * (high - low) / 4;
            svg.Append(Invariant($"<text x=\"{x:0.#}\" y=\"{Height - 10}\" text-anchor=\"middle\" class=\"axis\">{E(FeatureComparer.Number(value))}</text>\n"));
            var y = Top + plotH - tick * plotH / 4.0;
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" class=\"axis\">{tick * 25}%</text>\n"));
        }

        AppendCurve(svg, a, "baseline", BaselineColour, low, high, Left, Top, plotW, plotH);
        AppendCurve(svg, b, "candidate", CandidateColour, low, high, Left, Top, plotW, plotH);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void AppendCurve(StringBuilder svg, QuantileSummary? s, string side, string colour, double low, double high, int left, int top, int width, int height)
    {
        if (s is not { Count: > 0 })
        {
            return;
        }

        var points = new StringBuilder();
        const int Steps = 100;
        for (var i = 0; i <= Steps; i++)
        {
            var q = i / (double)Steps;
            var value = Math.Clamp(s.Quantile(q), low, high);
            var x = left + (value - low) / (high - low) * width;
            var y = top + height - q * height;
            points.Append(Invariant($"{x:0.##},{y:0.##} "));
        }

        svg.Append(Invariant($"<polyline class=\"curve {side}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points.ToString().TrimEnd()}\"><title>{side}: median {E(FeatureComparer.Number(s.Quantile(0.5)))}</title></polyline>\n"));
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "\u2026";

    internal static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal const string Css = """
        body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px; color: #222; background: #fff; }
        h1 { font-size: 20px; margin: 0 0 12px; }
        h2 { font-size: 16px; margin-top: 28px; }
        table.sides th { text-align: left; padding-right: 12px; color: #555; }
        table.sides td { font-family: ui-monospace, monospace; font-size: 12px; }
        .score b { font-size: 18px; }
        #charts { display: flex; flex-wrap: wrap; gap: 16px; }
        figure.change { margin: 0; padding: 10px; border: 1px solid #ddd; border-radius: 6px; background: #fff; }
        figure.change.significant { border-color: #e45756; }
        figcaption { margin-bottom: 6px; max-width: 560px; }
        .meta { color: #777; font-size: 12px; }
        svg text { font: 12px sans-serif; fill: #333; }
        svg text.axis { fill: #666; font-size: 11px; }
        table.changes { border-collapse: collapse; width: 100%; }
        table.changes th, table.changes td { border-bottom: 1px solid #eee; padding: 4px 8px; text-align: left; font-size: 13px; }
        table.changes th { cursor: pointer; background: #f5f5f5; user-select: none; }
        table.changes tr.significant td { background: #fff4f0; }
        table.changes tr.hidden { display: none; }
        table.exemplars { border-collapse: collapse; width: 100%; }
        table.exemplars th, table.exemplars td { border-bottom: 1px solid #eee; padding: 4px 8px; text-align: left; font-size: 13px; vertical-align: top; }
        table.exemplars th { background: #f5f5f5; }
        table.exemplars td.side { color: #fff; font-weight: bold; }
        """;

    // Progressive enhancement only: sortable columns and a "significant only" toggle. The report reads fine
    // without it, and it marks the document as ready so automated checks know scripts ran.
    private const string Script = """
        (function () {
          "use strict";
          var table = document.getElementById("changes");
          var body = table.tBodies[0];
          var headers = table.tHead.rows[0].cells;
          var direction = {};
          function key(row, index) {
            var cell = row.cells[index];
            var v = cell.getAttribute("data-v");
            if (v !== null) { return parseFloat(v); }
            var n = parseFloat(cell.textContent);
            return isNaN(n) ? cell.textContent : n;
          }
          Array.prototype.forEach.call(headers, function (th, index) {
            th.addEventListener("click", function () {
              direction[index] = !direction[index];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = key(a, index), y = key(b, index);
                var order = x < y ? -1 : x > y ? 1 : 0;
                return direction[index] ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
          var toggle = document.createElement("label");
          var box = document.createElement("input");
          box.type = "checkbox";
          box.id = "significant-only";
          toggle.appendChild(box);
          toggle.appendChild(document.createTextNode(" significant changes only"));
          table.parentNode.insertBefore(toggle, table);
          box.addEventListener("change", function () {
            Array.prototype.forEach.call(body.rows, function (row) {
              row.classList.toggle("hidden", box.checked && !row.classList.contains("significant"));
            });
          });
          document.documentElement.setAttribute("data-report-ready", String(document.querySelectorAll("svg.chart").length));
        })();
        """;
}
