using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DriftWatch.Core.Statistics;

/// <summary>
/// Two-sample Kolmogorov-Smirnov test. The statistic matches scipy.stats.ks_2samp; the exact p-value
/// matches ks_2samp(method='exact') (two-sided). The asymptotic p-value is the limiting Kolmogorov law
/// kstwobign.sf(sqrt(m·n/(m+n))·D); it is not scipy's method='asymp', which evaluates the finite-n
/// one-sample law kstwo at round(m·n/(m+n)).
/// </summary>
internal static partial class KolmogorovSmirnov
{
    /// <summary>Largest m·n for which <see cref="ExactPValue"/> is used by <see cref="PValue"/>.</summary>
    public const long ExactWorkLimit = 1_000_000;

    /// <summary>D = sup |F1(x) - F2(x)| for two ascending-sorted samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Statistic(ReadOnlySpan<double> sortedA, ReadOnlySpan<double> sortedB)
    {
        if (sortedA.IsEmpty || sortedB.IsEmpty)
        {
            return 0;
        }

        // |i/n1 - j/n2| = |i·n2 - j·n1| / (n1·n2): the walk compares integers and divides once at the end. The
        // gap is symmetric in the two samples, so the walk steps through the shorter one value by value and
        // scans the longer one in runs.
        long widest = sortedA.Length <= sortedB.Length ? WidestGap(sortedB, sortedA) : WidestGap(sortedA, sortedB);
        return widest / ((double)sortedA.Length * sortedB.Length);
    }

    /// <summary>
    /// max |i·ns - j·nl| over the points where the empirical distributions may be compared: after all values
    /// equal to some x on both sides (i values of <paramref name="longer"/> and j of <paramref name="shorter"/>
    /// are at most x). Between two consecutive distinct values of <paramref name="shorter"/> only i moves, and
    /// monotonically, so the widest gap of that stretch is at one of its ends: just before the next value w
    /// (everything below w counted) or just after it (everything up to and including w counted, ties on both
    /// sides). Evaluating only those two points per distinct w gives the same maximum as evaluating after
    /// every distinct value of the union, with one comparison per value of <paramref name="longer"/> and one
    /// unpredictable branch per value of <paramref name="shorter"/> instead of per value of the union.
    /// </summary>
    private static long WidestGap(ReadOnlySpan<double> longer, ReadOnlySpan<double> shorter)
    {
        long nl = longer.Length;
        long ns = shorter.Length;
        long widest = 0;
        int i = 0;
        int j = 0;
        while (j < shorter.Length)
        {
            double w = shorter[j];
            while (i < longer.Length && longer[i] < w)
            {
                i++;
            }

            widest = Math.Max(widest, Math.Abs((i * ns) - (j * nl)));
            while (i < longer.Length && longer[i] <= w)
            {
                i++;
            }

            j++;
            while (j < shorter.Length && shorter[j] <= w)
            {
                j++;
            }

            widest = Math.Max(widest, Math.Abs((i * ns) - (j * nl)));
        }

        return widest;
    }

    /// <summary>Exact p-value when m·n is small enough, the asymptotic one otherwise.</summary>
    public static double PValue(int m, int n, double d) =>
        (long)m * n <= ExactWorkLimit ? ExactPValue(m, n, d) : AsymptoticPValue(m, n, d);

    /// <summary>
    /// The two-sample test of <paramref name="sample"/> (in any order; it is not changed) against a reference
    /// that was sorted once, when it was built (it is the same for every window): D of
    /// <see cref="StatisticAgainstSorted"/> with the p-value of <see cref="PValue"/>. What ks_2samp does per
    /// call, minus sorting the reference again.
    /// </summary>
    public static (double Statistic, double PValue) Test(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sample)
    {
        if (sortedReference.IsEmpty || sample.IsEmpty)
        {
            throw new ArgumentException("Both samples must be non-empty.", nameof(sample));
        }

        double d = StatisticAgainstSorted(sortedReference, sample);
        return (d, PValue(sortedReference.Length, sample.Length, d));
    }

    /// <summary>
    /// D of <see cref="Statistic"/> for an ascending-sorted reference and a sample in any order, without
    /// sorting the sample. Each sample value w is placed among the reference by search: in the gap b (b
    /// reference values are below w), below ref[b] or equal to it. With i reference values and j sample values
    /// at most x, between two gaps that hold sample values only i moves, and |i·ns - j·nr| is convex in i, so
    /// its widest on that stretch is at one of its ends. The ends, per occupied gap b with below values and
    /// equal values (j counted up to the gap): (b, j), (b, j + below), and (hi, j + below + equal) where hi
    /// counts the reference values at most ref[b]. Every one of them is the state after all values at most
    /// some x on both sides, and together they include every point the merge walk evaluates, so the maximum
    /// is the same integer.
    /// </summary>
    // Sorting 250 values and merging them with 2,000 took 9-10 us per window, most of it in mispredicted
    // branches. A binary search per value took as long (8.5 us: eleven dependent steps, and compiled with a
    // branch per step until written as arithmetic); three levels of vector compares (every 64th reference
    // value, every 8th within that block, the 8 values within that) take about 2.5 us for 250 values, and
    // the gaps are then visited in order from a bit per gap (about 250 of 2,001 set) instead of by walking
    // the reference.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double StatisticAgainstSorted(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sample)
    {
        if (sortedReference.IsEmpty || sample.IsEmpty)
        {
            return 0;
        }

        int gaps = sortedReference.Length + 1;
        // Per gap: below-values in the low 32 bits, equal values in the high 32; then one bit per occupied gap.
        // Kept per thread and cleared after use, instead of allocated and zeroed on every call.
        int words = (gaps + 63) >> 6;
        long[] scratch = t_gapScratch is { } cached && cached.Length >= gaps + words
            ? cached
            : t_gapScratch = new long[Math.Max(gaps + words, 4096)];
        Span<long> counts = scratch.AsSpan(0, gaps);
        Span<long> occupied = scratch.AsSpan(gaps, words);
        if (Vector512.IsHardwareAccelerated && sortedReference.Length is >= 8 and <= MaxVectorSearch)
        {
            PlaceByVectorSearch(sortedReference, sample, counts, occupied);
        }
        else
        {
            ref double sorted = ref MemoryMarshal.GetReference(sortedReference);
            int last = sortedReference.Length - 1;
            foreach (double w in sample)
            {
                int gap = LowerBound(ref sorted, sortedReference.Length, w);
                int equal = Unsafe.Add(ref sorted, Math.Min(gap, last)) == w ? 1 : 0;
                counts[gap] += 1L << (equal << 5);
                occupied[gap >> 6] |= 1L << gap;
            }
        }

        ref double reference = ref MemoryMarshal.GetReference(sortedReference);
        int lastIndex = sortedReference.Length - 1;
        long nr = sortedReference.Length;
        long ns = sample.Length;
        long widest = 0;
        long j = 0;
        for (int word = 0; word < occupied.Length; word++)
        {
            ulong bits = (ulong)occupied[word];
            while (bits != 0)
            {
                int gap = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                long below = counts[gap] & uint.MaxValue;
                long equal = counts[gap] >> 32;
                widest = Math.Max(widest, Math.Abs((gap * ns) - (j * nr)));
                j += below;
                widest = Math.Max(widest, Math.Abs((gap * ns) - (j * nr)));
                if (equal != 0)
                {
                    // Each tied run of the reference is passed once per call: linear in its length overall.
                    double x = Unsafe.Add(ref reference, gap);
                    int hi = gap + 1;
                    while (hi <= lastIndex && Unsafe.Add(ref reference, hi) == x)
                    {
                        hi++;
                    }

                    j += equal;
                    widest = Math.Max(widest, Math.Abs((hi * ns) - (j * nr)));
                }
            }
        }

        scratch.AsSpan(0, gaps + words).Clear();
        return widest / ((double)nr * ns);
    }

    // Largest reference placed by the three-level vector search: at most 64 blocks of 64, so the first level
    // is at most 8 vectors.
    private const int MaxVectorSearch = 4096;

    [ThreadStatic]
    private static long[]? t_gapScratch;

    [ThreadStatic]
    private static double[]? t_searchLevels;

    /// <summary>
    /// Counts each sample value in its gap of the reference (8 to <see cref="MaxVectorSearch"/> values):
    /// the number of reference values below w is counted with 8-lane compares, first among every 64th
    /// reference value (which block of 64), then every 8th value of that block (which 8), then those 8.
    /// No branch depends on the data. Values past the reference's end read as +infinity; the last 8 are
    /// compared from where they end, not past it.
    /// </summary>
    private static void PlaceByVectorSearch(
        ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sample, Span<long> counts, Span<long> occupied)
    {
        int length = sortedReference.Length;
        int eighths = ((((length + 7) >> 3) + 7) >> 3) << 3; // every 8th value, in whole vectors
        int blockVectors = (((length + 63) >> 6) + 7) >> 3; // every 64th value, in vectors
        double[] levels = t_searchLevels ??= new double[(MaxVectorSearch / 8) + (MaxVectorSearch / 64)];
        Span<double> everyEighth = levels.AsSpan(0, eighths);
        Span<double> every64th = levels.AsSpan(eighths, blockVectors << 3);
        everyEighth.Fill(double.PositiveInfinity);
        every64th.Fill(double.PositiveInfinity);
        ref double reference = ref MemoryMarshal.GetReference(sortedReference);
        for (int k = 0; k << 3 < length; k++)
        {
            everyEighth[k] = Unsafe.Add(ref reference, k << 3);
        }

        for (int k = 0; k << 6 < length; k++)
        {
            every64th[k] = Unsafe.Add(ref reference, k << 6);
        }

        ref double eighth = ref MemoryMarshal.GetReference(everyEighth);
        ref double block = ref MemoryMarshal.GetReference(every64th);
        foreach (double w in sample)
        {
            var value = Vector512.Create(w);
            int blocksBelow = 0;
            for (int v = 0; v < blockVectors; v++)
            {
                blocksBelow += BelowCount(Vector512.LoadUnsafe(ref block, (nuint)(v << 3)), value);
            }

            // Block blocksBelow - 1 holds the last value below w (none below: block 0, where nothing is).
            int inBlock = Math.Max(blocksBelow - 1, 0);
            int eighthsBelow = BelowCount(Vector512.LoadUnsafe(ref eighth, (nuint)(inBlock << 3)), value);
            // Every value before 'at' is below w, and at most 8 from it are.
            int at = Math.Min(Math.Max((inBlock << 3) + eighthsBelow - 1, 0) << 3, length - 8);
            int gap = at + BelowCount(Vector512.LoadUnsafe(ref reference, (nuint)at), value);
            int equal = Unsafe.Add(ref reference, Math.Min(gap, length - 1)) == w ? 1 : 0;
            counts[gap] += 1L << (equal << 5);
            occupied[gap >> 6] |= 1L << gap;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BelowCount(Vector512<double> values, Vector512<double> value) =>
        BitOperations.PopCount(Vector512.LessThan(values, value).ExtractMostSignificantBits());

    /// <summary>
    /// The number of values of <paramref name="sorted"/> (ascending, <paramref name="length"/> of them) below
    /// <paramref name="value"/>: a fixed number of halving steps, each a conditional move, not a branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LowerBound(ref double sorted, int length, double value)
    {
        int low = 0;
        int size = length;
        while (size > 1)
        {
            int half = size >> 1;
            // As 0 or 1 times half: a conditional select here was compiled to a branch, mispredicted on half
            // of the steps.
            low += half * (Unsafe.Add(ref sorted, low + half) < value ? 1 : 0);
            size -= half;
        }

        return low + (Unsafe.Add(ref sorted, low) < value ? 1 : 0);
    }

    /// <summary>kstwobign.sf(sqrt(m·n/(m+n))·D).</summary>
    public static double AsymptoticPValue(int m, int n, double d)
    {
        double en = (double)m * n / (m + n);
        return SpecialFunctions.KolmogorovSurvival(Math.Sqrt(en) * d);
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
