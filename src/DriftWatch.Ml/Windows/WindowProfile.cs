using DriftWatch.Core.Detection.Checkpoints;

namespace DriftWatch.Ml.Windows;

/// <summary>
/// The layout of a behaviour's window vector, fixed when its reference is complete: the shares of the
/// reference's most frequent outcomes and of all others; mean, 10th, 50th and 90th percentile of each
/// numeric channel present in most reference events; tool error rate and tool calls per event.
/// </summary>
internal sealed class WindowProfile
{
    private static readonly string[] NumericStats = ["mean", "p10", "p50", "p90"];

    private readonly string[] _outcomes;
    private readonly string[] _channelNames;
    private readonly bool[] _channels;
    private readonly bool _tools;

    private WindowProfile(string[] outcomes, string[] channelNames, bool[] channels, bool tools)
    {
        _outcomes = outcomes;
        _channelNames = channelNames;
        _channels = channels;
        _tools = tools;
        var names = new List<string>();
        names.AddRange(outcomes.Select(o => "decision.outcome=" + o));
        names.Add("decision.outcome=(other)");
        for (int c = 0; c < channels.Length; c++)
        {
            if (channels[c])
            {
                names.AddRange(NumericStats.Select(s => $"{channelNames[c]}:{s}"));
            }
        }

        if (tools)
        {
            names.Add("tool_calls.error_rate");
            names.Add("tool_calls.per_event");
        }

        DimensionNames = names;
        ShareDimensions = outcomes.Length + 1;
    }

    public IReadOnlyList<string> DimensionNames { get; }

    public int Dimension => DimensionNames.Count;

    /// <summary>Leading dimensions that are shares (outcomes); tool rates follow the numeric ones at the end.</summary>
    public int ShareDimensions { get; }

    public bool IsRate(int dimension) => dimension < ShareDimensions || (_tools && dimension >= Dimension - 2);

    public static WindowProfile Fit(IReadOnlyList<EventRow> reference, IReadOnlyList<string> metricKeys, int maxOutcomes)
    {
        var counts = new Dictionary<string, (int Count, int First)>(StringComparer.Ordinal);
        for (int i = 0; i < reference.Count; i++)
        {
            string outcome = reference[i].Outcome;
            counts[outcome] = counts.TryGetValue(outcome, out var seen) ? (seen.Count + 1, seen.First) : (1, i);
        }

        string[] outcomes = counts
            .OrderByDescending(kv => kv.Value.Count)
            .ThenBy(kv => kv.Value.First)
            .Take(maxOutcomes)
            .Select(kv => kv.Key)
            .ToArray();

        var channelNames = new List<string> { "decision.confidence", "output.sentiment" };
        channelNames.AddRange(metricKeys.Select(k => "metrics." + k));
        var present = new bool[channelNames.Count];
        for (int c = 0; c < present.Length; c++)
        {
            int have = reference.Count(row => !double.IsNaN(Channel(row, c)));
            present[c] = have * 2 >= reference.Count;
        }

        bool tools = reference.Any(row => row.ToolCalls > 0);
        return new WindowProfile(outcomes, [.. channelNames], present, tools);
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.WriteStrings(_outcomes);
        writer.WriteStrings(_channelNames);
        writer.Write7BitEncodedInt(_channels.Length);
        foreach (bool channel in _channels)
        {
            writer.Write(channel);
        }

        writer.Write(_tools);
    }

    public static WindowProfile ReadFrom(BinaryReader reader)
    {
        string[] outcomes = NonNull(reader.ReadStrings());
        string[] channelNames = NonNull(reader.ReadStrings());
        var channels = new bool[reader.ReadLength()];
        if (channels.Length != channelNames.Length)
        {
            throw new InvalidDataException("Window profile channels and names differ in number.");
        }

        for (int i = 0; i < channels.Length; i++)
        {
            channels[i] = reader.ReadBoolean();
        }

        return new WindowProfile(outcomes, channelNames, channels, reader.ReadBoolean());
    }

    private static string[] NonNull(string?[] values) =>
        Array.ConvertAll(values, static v => v ?? throw new InvalidDataException("Window profile name missing."));

    /// <summary>The window vector of rows [start, start + count).</summary>
    public double[] Vector(IReadOnlyList<EventRow> rows, int start, int count)
    {
        var vector = new double[Dimension];
        for (int i = start; i < start + count; i++)
        {
            int slot = Array.IndexOf(_outcomes, rows[i].Outcome);
            vector[slot < 0 ? _outcomes.Length : slot] += 1.0 / count;
        }

        int d = ShareDimensions;
        var values = new List<double>(count);
        for (int c = 0; c < _channels.Length; c++)
        {
            if (!_channels[c])
            {
                continue;
            }

            values.Clear();
            for (int i = start; i < start + count; i++)
            {
                double v = Channel(rows[i], c);
                if (!double.IsNaN(v))
                {
                    values.Add(v);
                }
            }

            if (values.Count == 0)
            {
                // A window without the channel at all: NaN, replaced by the reference mean when standardised.
                for (int s = 0; s < NumericStats.Length; s++)
                {
                    vector[d++] = double.NaN;
                }

                continue;
            }

            values.Sort();
            vector[d++] = values.Average();
            vector[d++] = Quantile(values, 0.1);
            vector[d++] = Quantile(values, 0.5);
            vector[d++] = Quantile(values, 0.9);
        }

        if (_tools)
        {
            long calls = 0;
            long errors = 0;
            for (int i = start; i < start + count; i++)
            {
                calls += rows[i].ToolCalls;
                errors += rows[i].ToolErrors;
            }

            vector[d++] = calls == 0 ? 0 : (double)errors / calls;
            vector[d] = (double)calls / count;
        }

        return vector;
    }

    private static double Channel(in EventRow row, int channel) => channel switch
    {
        0 => row.Confidence,
        1 => row.Sentiment,
        // Rows taken before a metric key was first seen are shorter: they lack it.
        _ => channel - 2 < row.Metrics.Length ? row.Metrics[channel - 2] : double.NaN,
    };

    // Linear interpolation between order statistics (numpy's default).
    private static double Quantile(List<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
