using System.Globalization;
using System.Runtime.InteropServices;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Features;
using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Detection;

/// <summary>
/// A real-valued feature. While the reference fills, its values are kept (at most ReferenceSize); once
/// armed, the reference is a fixed quantile summary and the current window a fixed buffer (a seeded
/// reservoir sample when a time window holds more events), so memory stays flat. Tested with the
/// two-sample KS statistic; effect size is Wasserstein-1 over the reference IQR.
/// </summary>
internal sealed class NumericTracker : FeatureTracker
{
    // E[sqrt(n)·D] under the null in the limit: sqrt(pi/2)·ln 2, the mean of the Kolmogorov law.
    private const double KolmogorovMean = 0.86873116063615915;

    private readonly int _points;
    private double[] _window;
    private int _count;
    // The window's first _sorted values are in ascending order (left so by the last test).
    private int _sorted;
    private long _seen;
    private ulong _random = 0x9E3779B97F4A7C15;
    private List<double>? _referenceValues = [];
    private double[]? _summary;
    private double _referenceEvents;
    private double _referenceMean;
    private double _scale = 1;

    public NumericTracker(FeatureId id, int windowCapacity, int summaryPoints)
        : base(id, FeatureKind.Numeric)
    {
        _window = new double[Math.Min(windowCapacity, 64)];
        WindowCapacity = windowCapacity;
        _points = summaryPoints;
    }

    public int WindowCapacity { get; }

    public override long CurrentEvents => _seen;

    public override double ReferenceEvents => _referenceEvents;

    /// <summary>Sum and count of the values of the behaviour's current window, for window summaries.</summary>
    public double SummarySum { get; set; }

    public long SummaryCount { get; set; }

    public void Add(double value, DateTimeOffset at)
    {
        SummarySum += value;
        SummaryCount++;
        _seen++;
        Touch(at);
        if (_count < WindowCapacity)
        {
            if (_count == _window.Length)
            {
                Array.Resize(ref _window, Math.Min(WindowCapacity, _window.Length * 2));
            }

            _window[_count++] = value;
            return;
        }

        // Reservoir sampling keeps a uniform sample of an oversized (time-closed) window.
        long slot = (long)(NextRandom() % (ulong)_seen);
        if (slot < WindowCapacity)
        {
            _window[slot] = value;
            _sorted = Math.Min(_sorted, (int)slot);
        }
    }

    public override void AbsorbReferenceBlock(DetectionContext context)
    {
        var values = _referenceValues!;
        int minimum = context.Options.MinWindowObservations;
        if (values.Count >= minimum && _count >= minimum)
        {
            // The filling reference is kept sorted (see AddToReference), so a block sorts only its own window.
            ReadOnlySpan<double> reference = CollectionsMarshal.AsSpan(values);
            var current = SortedWindow(context);
            double en = (double)reference.Length * _count / (reference.Length + _count);
            AddCalibration(Math.Sqrt(en) * KolmogorovSmirnov.Statistic(reference, current), KolmogorovMean);
        }

        int room = context.Options.ReferenceSize - values.Count;
        AddToReference(values, _window.AsSpan(0, Math.Max(0, Math.Min(_count, room))));

        _referenceEvents += _seen;
        ResetCurrent();
        ClearCurrentStart();
    }

    public override void FinishReference(DetectionContext context)
    {
        if (_referenceValues is { Count: > 0 } values)
        {
            BuildSummary([.. values]); // already sorted
        }

        _referenceValues = null;
    }

    /// <summary>Replaces the reference with an externally supplied sample (a pinned snapshot).</summary>
    public void SetReference(IReadOnlyList<double> sample, double events)
    {
        double[] sorted = sample.Where(double.IsFinite).ToArray();
        Array.Sort(sorted);
        _referenceValues = null;
        if (sorted.Length == 0)
        {
            _summary = null;
            _referenceEvents = 0;
            return;
        }

        BuildSummary(sorted);
        _referenceEvents = events;
    }

    /// <summary>The reference quantile summary (equally weighted points), or empty before arming.</summary>
    public IReadOnlyList<double> ReferenceSample() => _summary is null ? [] : [.. _summary];

    protected override WindowTest Test(DetectionContext context, DetectionContext.Budget budget)
    {
        double floor = context.Options.MinWassersteinEffect;
        if (_summary is null || _count == 0)
        {
            return new WindowTest(DetectorNames.KolmogorovSmirnov, 0, double.MaxValue, 1, DetectorNames.Wasserstein, 0, floor);
        }

        var current = SortedWindow(context);
        double d = KolmogorovSmirnov.Statistic(_summary, current);
        double en = _referenceEvents * _count / (_referenceEvents + _count);
        double dispersion = Dispersion;
        double threshold = dispersion * budget.KolmogorovThreshold / Math.Sqrt(en);
        if (budget.IsLook && !(d > threshold))
        {
            // An interim look only asks whether the test fires: below its threshold it cannot, whatever the
            // effect, so the p-value and the Wasserstein distance are not worth computing (most looks end here).
            return new WindowTest(DetectorNames.KolmogorovSmirnov, d, threshold, double.NaN, DetectorNames.Wasserstein, 0, floor);
        }

        double p = SpecialFunctions.KolmogorovSurvival(Math.Sqrt(en) * d / dispersion);
        double effect = Wasserstein.Distance(_summary, current) / _scale;
        return new WindowTest(DetectorNames.KolmogorovSmirnov, d, threshold, p, DetectorNames.Wasserstein, effect, floor);
    }

    protected override IReadOnlyList<ValueShift> TopShifts(int count)
    {
        if (_summary is null || _count == 0)
        {
            return [];
        }

        ReadOnlySpan<double> current = _window.AsSpan(0, _count); // sorted by Test
        double mean = 0;
        foreach (double v in current)
        {
            mean += v;
        }

        mean /= current.Length;
        var shifts = new List<ValueShift>
        {
            new("mean", _referenceMean, mean),
            new("p50", Quantiles.Linear(_summary, 0.5), Quantiles.Linear(current, 0.5)),
            new("p90", Quantiles.Linear(_summary, 0.9), Quantiles.Linear(current, 0.9)),
            new("p10", Quantiles.Linear(_summary, 0.1), Quantiles.Linear(current, 0.1)),
        };
        return shifts.Take(count).ToList();
    }

    protected override string Describe(ValueShift shift) =>
        string.Create(CultureInfo.InvariantCulture, $"{shift.Value} {shift.Reference:0.###} -> {shift.Current:0.###}");

    protected override void BlendIntoReference()
    {
        if (_summary is null || _count == 0)
        {
            return;
        }

        // Weighted merge: the summary points stand for the kept reference mass, window values for one each.
        double kept = Math.Max(0, _referenceEvents - _seen);
        double pointWeight = kept / _summary.Length;
        double valueWeight = (double)_seen / _count;
        var merged = new (double Value, double Weight)[_summary.Length + _count];
        for (int i = 0; i < _summary.Length; i++)
        {
            merged[i] = (_summary[i], pointWeight);
        }

        double sum = 0;
        for (int i = 0; i < _count; i++)
        {
            merged[_summary.Length + i] = (_window[i], valueWeight);
            sum += _window[i];
        }

        Array.Sort(merged, (a, b) => a.Value.CompareTo(b.Value));
        double total = kept + _seen;
        if (total <= 0)
        {
            return;
        }

        var next = new double[_summary.Length];
        double cumulative = 0;
        int m = 0;
        for (int k = 0; k < next.Length; k++)
        {
            double target = total * k / Math.Max(1, next.Length - 1);
            while (m < merged.Length - 1 && cumulative + merged[m].Weight < target)
            {
                cumulative += merged[m].Weight;
                m++;
            }

            next[k] = merged[m].Value;
        }

        _referenceMean = ((_referenceMean * kept) + (sum * valueWeight)) / total;
        _summary = next;
        _scale = Wasserstein.Scale(next);
        _referenceEvents = total;
    }

    protected override void WriteState(BinaryWriter writer)
    {
        writer.WriteDoubles(_window.AsSpan(0, _count));
        writer.Write(_seen);
        writer.Write(_random);
        writer.Write(_referenceValues is not null);
        if (_referenceValues is not null)
        {
            writer.WriteDoubles(CollectionsMarshal.AsSpan(_referenceValues));
        }

        writer.Write(_summary is not null);
        if (_summary is not null)
        {
            writer.WriteDoubles(_summary);
        }

        writer.Write(_referenceEvents);
        writer.Write(_referenceMean);
        writer.Write(_scale);
        writer.Write(SummarySum);
        writer.Write(SummaryCount);
    }

    protected override void ReadState(BinaryReader reader)
    {
        var window = reader.ReadDoubles();
        if (window.Length > WindowCapacity)
        {
            throw new InvalidDataException($"Checkpointed window of {Name} holds {window.Length} values; the capacity is {WindowCapacity}.");
        }

        _window = new double[Math.Max(window.Length, Math.Min(WindowCapacity, 64))];
        window.CopyTo(_window, 0);
        _count = window.Length;
        _sorted = 0;
        _seen = reader.ReadInt64();
        _random = reader.ReadUInt64();
        _referenceValues = reader.ReadBoolean() ? [.. reader.ReadDoubles()] : null;
        _referenceValues?.Sort(); // written sorted; sorting again also keeps checkpoints from before that working
        _summary = reader.ReadBoolean() ? reader.ReadDoubles() : null;
        _referenceEvents = reader.ReadDouble();
        _referenceMean = reader.ReadDouble();
        _scale = reader.ReadDouble();
        SummarySum = reader.ReadDouble();
        SummaryCount = reader.ReadInt64();
    }

    protected override void ResetCurrent()
    {
        _count = 0;
        _sorted = 0;
        _seen = 0;
    }

    /// <summary>
    /// The current window in ascending order. Interim looks test the window every few events, so all but the
    /// values added since the last test are in order already: only those are sorted, then merged in.
    /// </summary>
    private Span<double> SortedWindow(DetectionContext context)
    {
        var window = _window.AsSpan(0, _count);
        if (_sorted < _count)
        {
            var added = window[_sorted..];
            added.Sort();
            if (_sorted > 0 && added[0] < window[_sorted - 1])
            {
                var before = context.Scratch(_sorted);
                window[.._sorted].CopyTo(before);
                int i = 0;
                int j = _sorted;
                int k = 0;
                // Writing at k never passes j, so no value of the added run is overwritten before it is read.
                while (i < before.Length && j < window.Length)
                {
                    window[k++] = window[j] < before[i] ? window[j++] : before[i++];
                }

                before[i..].CopyTo(window[k..]);
            }

            _sorted = _count;
        }

        return window;
    }

    /// <summary>Merges <paramref name="block"/> into the ascending <paramref name="sorted"/>, which stays ascending.</summary>
    private static void AddToReference(List<double> sorted, ReadOnlySpan<double> block)
    {
        if (block.IsEmpty)
        {
            return;
        }

        double[] added = block.ToArray();
        Array.Sort(added);
        int existing = sorted.Count;
        CollectionsMarshal.SetCount(sorted, existing + added.Length);
        Span<double> all = CollectionsMarshal.AsSpan(sorted);

        // Merge from the back so that no value is overwritten before it has moved.
        int i = existing - 1;
        int j = added.Length - 1;
        for (int k = all.Length - 1; j >= 0; k--)
        {
            all[k] = i >= 0 && all[i] > added[j] ? all[i--] : added[j--];
        }
    }

    private void BuildSummary(double[] sorted)
    {
        _summary = new double[Math.Min(_points, Math.Max(sorted.Length, 2))];
        Quantiles.Summarise(sorted, _summary);
        _scale = Wasserstein.Scale(sorted);
        double sum = 0;
        foreach (double v in sorted)
        {
            sum += v;
        }

        _referenceMean = sum / sorted.Length;
        _referenceEvents = Math.Max(_referenceEvents, sorted.Length);
    }

    private ulong NextRandom()
    {
        // xorshift64*: deterministic, so replays draw the same reservoir.
        _random ^= _random >> 12;
        _random ^= _random << 25;
        _random ^= _random >> 27;
        return _random * 2685821657736338717UL;
    }
}
