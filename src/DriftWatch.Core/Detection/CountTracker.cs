using System.Globalization;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Features;
using DriftWatch.Core.Statistics;

namespace DriftWatch.Core.Detection;

/// <summary>
/// A feature compared as counts over categories: a categorical feature, a conditional outcome feature
/// (which shares the outcome's category index), or a text sketch (fixed hashed buckets). Tested with a
/// pooled chi-square test; effect size is the Jensen-Shannon distance.
/// </summary>
internal sealed class CountTracker : FeatureTracker
{
    // Text sketch only: cells whose expected current count is below this are pooled (categorical features
    // use SparseHomogeneity instead, which tests sparse categories exactly).
    private const double MinExpected = 5;
    // Pseudo-count per category added to the reference for the effect size only (Jeffreys prior).
    private const double SmoothingPrior = 0.5;
    private const int RecentTexts = 8;
    // Recent texts name the n-grams of a moved text bucket in alerts; kept short so a behaviour's state stays small.
    private const int MaxRememberedTextLength = 512;

    private readonly CategoryIndex? _index;
    private double[] _reference;
    private double[] _current;
    private double _referenceTotal;
    private double _currentTotal;
    private double _referenceEvents;
    private long _currentEvents;
    private readonly string?[]? _recentCurrent;
    private readonly string?[]? _recentReference;
    private int _recentPosition;
    private int _ratioCount;
    private double _ratioSum;
    private double _ratioSquares;
    private (double Alpha, double Scale, double Nu, double UnitThreshold)? _textNull;

    private CountTracker(FeatureId id, FeatureKind kind, CategoryIndex? index, int slots)
        : base(id, kind)
    {
        _index = index;
        _reference = new double[slots];
        _current = new double[slots];
        if (kind == FeatureKind.Text)
        {
            _recentCurrent = new string?[RecentTexts];
            _recentReference = new string?[RecentTexts];
        }
    }

    public static CountTracker Categorical(FeatureId id, FeatureKind kind, CategoryIndex index) =>
        new(id, kind, index, 4);

    public static CountTracker Text(FeatureId id, int buckets) => new(id, FeatureKind.Text, null, buckets);

    public override long CurrentEvents => _currentEvents;

    public override double ReferenceEvents => _referenceEvents;

    public CategoryIndex? Index => _index;

    public void Add(int category, DateTimeOffset at)
    {
        if (category >= _current.Length)
        {
            Grow(category + 1);
        }

        _current[category] += 1;
        _currentTotal += 1;
        _currentEvents++;
        Touch(at);
    }

    public void AddText(string text, DateTimeOffset at)
    {
        if (TextSketch.AccumulateNormalised(text, _current) == 0)
        {
            return;
        }

        _currentTotal += 1;
        _currentEvents++;
        Touch(at);
        _recentCurrent![_recentPosition] = text.Length <= MaxRememberedTextLength ? text : text[..MaxRememberedTextLength];
        _recentPosition = (_recentPosition + 1) % RecentTexts;
    }

    public override void AbsorbReferenceBlock(DetectionContext context)
    {
        int minimum = context.Options.MinWindowObservations;
        if (_referenceEvents >= minimum && _currentEvents >= minimum && Kind != FeatureKind.Text)
        {
            var sparse = SparseHomogeneity.Test(_reference.AsSpan(0, Slots), _current.AsSpan(0, Slots));
            if (sparse.HasChiSquare)
            {
                AddCalibration(sparse.ChiSquare, sparse.DegreesOfFreedom);
            }
        }
        else if (_referenceEvents >= minimum && _currentEvents >= minimum)
        {
            var chi = PooledChiSquare(context);
            if (chi.DegreesOfFreedom > 0)
            {
                AddCalibration(chi.Statistic, chi.DegreesOfFreedom);
                double ratio = chi.Statistic / chi.DegreesOfFreedom;
                _ratioCount++;
                _ratioSum += ratio;
                _ratioSquares += ratio * ratio;
            }
        }

        for (int i = 0; i < _current.Length; i++)
        {
            _reference[i] += _current[i];
        }

        _referenceTotal += _currentTotal;
        _referenceEvents += _currentEvents;
        ResetCurrent();
        ClearCurrentStart();
    }

    public override void FinishReference(DetectionContext context)
    {
        if (_recentCurrent is not null)
        {
            Array.Copy(_recentCurrent, _recentReference!, RecentTexts);
        }
    }

    /// <summary>Replaces the reference with externally supplied counts (a pinned snapshot).</summary>
    public void SetReference(IReadOnlyList<double> counts, double events)
    {
        if (counts.Count > _reference.Length)
        {
            Grow(counts.Count);
        }

        Array.Clear(_reference);
        _referenceTotal = 0;
        for (int i = 0; i < counts.Count; i++)
        {
            _reference[i] = counts[i];
            _referenceTotal += counts[i];
        }

        _referenceEvents = events;
    }

    /// <summary>The reference counts, aligned with the category index (or the text buckets).</summary>
    public IReadOnlyList<double> ReferenceCounts() => _reference.AsSpan(0, Slots).ToArray();

    protected override WindowTest Test(DetectionContext context, DetectionContext.Budget budget) =>
        Kind == FeatureKind.Text ? TextTest(context, budget) : SparseTest(context, budget);

    /// <summary>
    /// Categorical and conditional features: <see cref="SparseHomogeneity"/> (chi-square over well-filled
    /// categories, exact tests for sparse ones), each part at half the budget's α when both are present.
    /// The part nearer its threshold is reported; the combined p-value feeds the CUSUM.
    /// </summary>
    private WindowTest SparseTest(DetectionContext context, DetectionContext.Budget budget)
    {
        int slots = Slots;
        double floor = context.Options.MinJensenShannonEffect;
        double js = SmoothedJensenShannon(context, slots);
        if (budget.IsLook && js < floor)
        {
            // An interim look only asks whether the test fires, which needs the effect floor met too: below it,
            // the exact tests (the costly part) cannot change the answer.
            return new WindowTest(DetectorNames.ChiSquare, 0, double.MaxValue, double.NaN, DetectorNames.JensenShannon, js, floor);
        }

        var sparse = SparseHomogeneity.Test(_reference.AsSpan(0, slots), _current.AsSpan(0, slots), Dispersion);
        if (!sparse.HasChiSquare && !sparse.HasExact)
        {
            return new WindowTest(DetectorNames.ChiSquare, 0, double.MaxValue, 1, DetectorNames.JensenShannon, js, floor);
        }

        bool both = sparse.HasChiSquare && sparse.HasExact;
        double chiRatio = 0;
        double chiThreshold = 0;
        if (sparse.HasChiSquare)
        {
            chiThreshold = Dispersion * context.ChiSquareThreshold(budget, sparse.DegreesOfFreedom, halved: both);
            chiRatio = sparse.ChiSquare / chiThreshold;
        }

        double exactRatio = 0;
        double exactScore = 0;
        double exactThreshold = -Math.Log10(both ? budget.Alpha / 2 : budget.Alpha);
        if (sparse.HasExact)
        {
            exactScore = -Math.Log10(Math.Max(sparse.ExactAdjustedP, 1e-300));
            exactRatio = exactScore / exactThreshold;
        }

        return sparse.HasChiSquare && chiRatio >= exactRatio
            ? new WindowTest(DetectorNames.ChiSquare, sparse.ChiSquare, chiThreshold, sparse.PValue, DetectorNames.JensenShannon, js, floor)
            : new WindowTest(DetectorNames.Exact, exactScore, exactThreshold, sparse.PValue, DetectorNames.JensenShannon, js, floor);
    }

    /// <summary>
    /// Effect size with a Jeffreys prior on the reference: half a count on every category either side saw,
    /// so a category the reference never saw has a small share rather than none.
    /// </summary>
    private double SmoothedJensenShannon(DetectionContext context, int slots)
    {
        var smoothed = context.Scratch(slots);
        for (int i = 0; i < slots; i++)
        {
            smoothed[i] = _reference[i] + _current[i] > 0 ? _reference[i] + SmoothingPrior : 0;
        }

        return CategoricalTests.JensenShannonDistance(smoothed, _current.AsSpan(0, slots));
    }

    private WindowTest TextTest(DetectionContext context, DetectionContext.Budget budget)
    {
        var chi = PooledChiSquare(context);
        int slots = Slots;
        double floor = context.Options.MinJensenShannonEffect;
        double dispersion = Dispersion;
        double threshold = chi.DegreesOfFreedom > 0 ? dispersion * context.ChiSquareThreshold(budget, (int)chi.DegreesOfFreedom) : double.MaxValue;
        if (budget.IsLook && !(chi.Statistic > threshold))
        {
            // An interim look only asks whether the test fires (a look keeps the plain threshold): below it the
            // effect and the p-value cannot change the answer.
            return new WindowTest(DetectorNames.ChiSquare, chi.Statistic, threshold, double.NaN, DetectorNames.JensenShannon, 0, floor);
        }

        double js = CategoricalTests.JensenShannonDistance(_reference.AsSpan(0, slots), _current.AsSpan(0, slots));
        if (chi.DegreesOfFreedom <= 0)
        {
            return new WindowTest(DetectorNames.ChiSquare, 0, double.MaxValue, 1, DetectorNames.JensenShannon, js, floor);
        }

        double p = SpecialFunctions.ChiSquareSurvival(chi.Statistic / dispersion, chi.DegreesOfFreedom);
        // The fitted null describes whole windows; an interim look on a partial window keeps the plain
        // (conservative) chi-square threshold.
        if (!budget.IsLook && TextNull(budget.Alpha) is { } fitted && chi.DegreesOfFreedom * fitted.UnitThreshold < threshold)
        {
            threshold = chi.DegreesOfFreedom * fitted.UnitThreshold;
            p = SpecialFunctions.ChiSquareSurvival(chi.Statistic / (chi.DegreesOfFreedom * fitted.Scale), fitted.Nu);
        }
        return new WindowTest(DetectorNames.ChiSquare, chi.Statistic, threshold, p, DetectorNames.JensenShannon, js, floor);
    }

    protected override IReadOnlyList<ValueShift> TopShifts(int count)
    {
        int slots = Slots;
        var moves = new List<(int Slot, double Reference, double Current)>(slots);
        for (int i = 0; i < slots; i++)
        {
            double r = _referenceTotal > 0 ? _reference[i] / _referenceTotal : 0;
            double c = _currentTotal > 0 ? _current[i] / _currentTotal : 0;
            if (r > 0 || c > 0)
            {
                moves.Add((i, r, c));
            }
        }

        return moves
            .OrderByDescending(m => Math.Abs(m.Current - m.Reference))
            .ThenBy(m => m.Slot)
            .Take(count)
            .Select(m => new ValueShift(Label(m.Slot, m.Current > m.Reference), m.Reference, m.Current))
            .ToList();
    }

    protected override string Describe(ValueShift shift) =>
        string.Create(CultureInfo.InvariantCulture, $"{shift.Value} {Percent(shift.Reference)} -> {Percent(shift.Current)}");

    protected override void BlendIntoReference()
    {
        double keep = _referenceEvents > 0 ? Math.Max(0, 1 - (_currentEvents / _referenceEvents)) : 0;
        for (int i = 0; i < _current.Length; i++)
        {
            _reference[i] = (_reference[i] * keep) + _current[i];
        }

        _referenceTotal = (_referenceTotal * keep) + _currentTotal;
        _referenceEvents = (_referenceEvents * keep) + _currentEvents;
    }

    /// <summary>
    /// Writes the counts, the calibration moments and the recent texts. A categorical tracker that owns its
    /// category index writes it too; the outcome index shared by conditional trackers is written once by the
    /// behaviour. The fitted text null is a cache and is recomputed from the moments.
    /// </summary>
    protected override void WriteState(BinaryWriter writer)
    {
        if (OwnsIndex)
        {
            writer.WriteStrings(_index!.Labels);
        }

        writer.WriteDoubles(_reference);
        writer.WriteDoubles(_current);
        writer.Write(_referenceTotal);
        writer.Write(_currentTotal);
        writer.Write(_referenceEvents);
        writer.Write(_currentEvents);
        writer.Write(_ratioCount);
        writer.Write(_ratioSum);
        writer.Write(_ratioSquares);
        if (_recentCurrent is not null)
        {
            writer.Write(_recentPosition);
            writer.WriteStrings(_recentCurrent);
            writer.WriteStrings(_recentReference!);
        }
    }

    protected override void ReadState(BinaryReader reader)
    {
        if (OwnsIndex)
        {
            _index!.Restore(reader.ReadStrings());
        }

        _reference = reader.ReadDoubles();
        _current = reader.ReadDoubles();
        if (_reference.Length != _current.Length || (_index is not null && _current.Length > _index.OtherIndex + 1))
        {
            throw new InvalidDataException($"Checkpointed counts of {Name} do not fit its categories.");
        }

        _referenceTotal = reader.ReadDouble();
        _currentTotal = reader.ReadDouble();
        _referenceEvents = reader.ReadDouble();
        _currentEvents = reader.ReadInt64();
        _ratioCount = reader.ReadInt32();
        _ratioSum = reader.ReadDouble();
        _ratioSquares = reader.ReadDouble();
        _textNull = null;
        if (_recentCurrent is not null)
        {
            _recentPosition = reader.ReadInt32();
            var current = reader.ReadStrings();
            var reference = reader.ReadStrings();
            if (current.Length != RecentTexts || reference.Length != RecentTexts || _recentPosition is < 0 or >= RecentTexts)
            {
                throw new InvalidDataException($"Checkpointed recent texts of {Name} are malformed.");
            }

            current.CopyTo(_recentCurrent, 0);
            reference.CopyTo(_recentReference!, 0);
        }
    }

    // The outcome tracker and conditional trackers share the behaviour's outcome index.
    private bool OwnsIndex => _index is not null && Kind == FeatureKind.Categorical && Id.Family != FeatureFamily.Outcome;

    protected override void ResetCurrent()
    {
        Array.Clear(_current);
        _currentTotal = 0;
        _currentEvents = 0;
    }

    /// <summary>
    /// The text sketch's chi-square runs far below its degrees of freedom (each text adds unit mass spread
    /// over many buckets), so the plain chi-square threshold is very conservative. The null is instead fitted
    /// as a scaled chi-square a·χ²(ν) to the mean and variance of the reference blocks' statistics (per
    /// degree of freedom; Satterthwaite), with the variance raised to its one-sided 99% upper confidence
    /// bound because only a handful of blocks exist. Null when too few blocks were seen.
    /// </summary>
    private (double Alpha, double Scale, double Nu, double UnitThreshold)? TextNull(double alpha)
    {
        const int minimumBlocks = 5;
        if (Kind != FeatureKind.Text || _ratioCount < minimumBlocks)
        {
            return null;
        }

        if (_textNull is { } cached && cached.Alpha == alpha)
        {
            return cached;
        }

        int k = _ratioCount;
        double mean = _ratioSum / k;
        double variance = (_ratioSquares - (k * mean * mean)) / (k - 1);
        if (!(mean > 0) || !(variance > 0))
        {
            return null;
        }

        variance *= (k - 1) / SpecialFunctions.ChiSquareInverseSurvival(0.99, k - 1);
        double scale = variance / (2 * mean);
        double nu = Math.Max(1, 2 * mean * mean / variance);
        _textNull = (alpha, scale, nu, scale * SpecialFunctions.ChiSquareInverseSurvival(alpha, nu));
        return _textNull;
    }

    private int Slots => _index is null ? _current.Length : Math.Min(_current.Length, _index.Slots);

    private TestResult PooledChiSquare(DetectionContext context)
    {
        int slots = Slots;
        var scratch = context.Scratch(2 * (slots + 1));
        var pr = scratch[..(slots + 1)];
        var pc = scratch[(slots + 1)..];
        int cells = 0;
        double sparseR = 0;
        double sparseC = 0;
        double ratio = _referenceTotal > 0 ? _currentTotal / _referenceTotal : 0;
        for (int i = 0; i < slots; i++)
        {
            double r = _reference[i];
            double c = _current[i];
            if (r + c <= 0)
            {
                continue;
            }

            if (r * ratio < MinExpected)
            {
                // Sparse cells are grouped in slot order until a group is large enough to stand alone;
                // for the text sketch this keeps many cells (hash order is arbitrary, so groups are too).
                sparseR += r;
                sparseC += c;
                if (sparseR * ratio >= MinExpected)
                {
                    pr[cells] = sparseR;
                    pc[cells] = sparseC;
                    cells++;
                    sparseR = 0;
                    sparseC = 0;
                }
            }
            else
            {
                pr[cells] = r;
                pc[cells] = c;
                cells++;
            }
        }

        if (sparseR + sparseC > 0)
        {
            // A lone regular cell cannot absorb the rest: values the reference (almost) never saw
            // replacing its only common value is the plainest drift there is.
            if (cells < 2)
            {
                pr[cells] = sparseR;
                pc[cells] = sparseC;
                cells++;
            }
            else
            {
                // Too sparse to stand alone: fold into the smallest regular cell.
                int smallest = 0;
                for (int j = 1; j < cells; j++)
                {
                    if (pr[j] < pr[smallest])
                    {
                        smallest = j;
                    }
                }

                pr[smallest] += sparseR;
                pc[smallest] += sparseC;
            }
        }

        return cells < 2 ? new TestResult(0, 0, 1) : CategoricalTests.ChiSquare(pr[..cells], pc[..cells]);
    }

    private string Label(int slot, bool increased)
    {
        if (_index is not null)
        {
            return _index.LabelOf(slot);
        }

        // Name a text bucket by the n-grams that land in it in recent texts of the side it grew on.
        var texts = increased ? _recentCurrent! : _recentReference!;
        var names = new List<string>();
        foreach (string? text in texts)
        {
            if (text is null)
            {
                continue;
            }

            foreach (var (ngram, bucket) in TextSketch.Ngrams(text, _current.Length))
            {
                if (bucket == slot && !names.Contains(ngram) && names.Count < 2)
                {
                    names.Add(ngram);
                }
            }
        }

        return names.Count > 0
            ? "\"" + string.Join("\" / \"", names) + "\""
            : string.Create(CultureInfo.InvariantCulture, $"n-gram bucket {slot}");
    }

    private void Grow(int needed)
    {
        int size = Math.Max(needed, _current.Length * 2);
        if (_index is not null)
        {
            size = Math.Min(size, _index.OtherIndex + 1);
            size = Math.Max(size, needed);
        }

        Array.Resize(ref _current, size);
        Array.Resize(ref _reference, size);
    }

    private static string Percent(double share) =>
        (share * 100).ToString(share < 0.1 ? "0.#" : "0", CultureInfo.InvariantCulture) + "%";
}
