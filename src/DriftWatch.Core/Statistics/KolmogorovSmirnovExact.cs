using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DriftWatch.Core.Statistics;

/// <summary>The exact two-sided p-value of the two-sample test (ks_2samp(method='exact')).</summary>
internal static partial class KolmogorovSmirnov
{
    // Buffer position of cell 0 of a diagonal: the positions below hold cells -16..-1, which a sweep that
    // starts just below cell 0 reads (only ever for cells it writes as 1): one grid vector of eight below the
    // one holding cell -1.
    private const int Origin = 16;

    /// <summary>
    /// P(D ≥ d) under the null for sample sizes m and n, by dynamic programming over lattice paths: each
    /// cell holds the probability that a uniformly random monotone path to it has already touched the
    /// band |i/m - j/n| ≥ d. Computing that probability directly (not 1 - inside) keeps small p-values
    /// relative-accurate. Time in proportion to the band's area (at most m·n), O(min(m, n)) memory.
    /// </summary>
    public static double ExactPValue(int m, int n, double d)
    {
        if (m <= 0 || n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "Sample sizes must be positive.");
        }

        long g = Gcd(m, n);
        long lcm = m / g * n;
        long h = (long)Math.Round(d * lcm);
        if (h <= 0)
        {
            return 1;
        }

        // The probability is symmetric in m and n; the cells of a diagonal are indexed by the shorter side's
        // coordinate, so a buffer holds at most min(m, n) + 1 cells (first-level cache at these sizes).
        // |i/m - j/n| ≥ h/lcm  <=>  |i·n - j·m| ≥ h·g; cells outside the band hold 1.
        return Vector512.IsHardwareAccelerated ? OutsideVectorised512(Math.Min(m, n), Math.Max(m, n), h * g)
            : Vector256.IsHardwareAccelerated ? OutsideVectorised(Math.Min(m, n), Math.Max(m, n), h * g)
            : OutsideScalar(Math.Min(m, n), Math.Max(m, n), h * g);
    }

    /// <summary>
    /// The table walked by anti-diagonals s = i + j rather than by rows: a cell needs only two cells of the
    /// previous diagonal and every cell of a diagonal divides by the same s, so the cells of one diagonal are
    /// independent (one vector holds four) instead of a chain of dependent divisions along a row. Only the
    /// band's cells are computed (about 2·d·m·n of them rather than m·n). A diagonal multiplies by 1/s instead
    /// of dividing by s, which is several times cheaper and moves the result by a few units in the last place:
    /// a cell is (i/s)·left + ((s-i)/s)·below with one fused multiply-add, whose weights do not depend on the
    /// previous diagonal, so only the multiply-add is on the chain from one diagonal to the next. Every lane
    /// does the scalar walk's arithmetic, so both give the same result.
    /// m &lt;= n; cells with |i·n - j·m| ≥ bound are outside. Without 256-bit vector hardware the same
    /// operations run in software: the same result, slowly (not chosen then).
    /// </summary>
    // Fully optimised from the first call: a loop this long is otherwise compiled on stack replacement and
    // again in the background, and which version a caller ran depended on timing (120 or 271 us per test).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double OutsideVectorised(int m, int n, long bound)
    {
        const int Lanes = 4; // Vector256<double>.Count
        long total = (long)m + n;
        // A diagonal's band holds at most bandCells cells. Each diagonal sweeps whole vectors on a fixed grid
        // (cell indices that are multiples of 4) from just below its first cell to just past its last, and
        // always the same number of them:
        // - the next diagonal loads exactly the vectors this one stored, so every load is forwarded from one
        //   store; a load straddling two stores (or a vector store and a scalar one) waits for both to reach
        //   the cache, once per diagonal, which cost more than the arithmetic;
        // - the loop's exit is predicted instead of mispredicted once per diagonal.
        // The cells a sweep covers outside [first, last] are written as 1: outside the band they are 1, and off
        // the lattice they are only read multiplied by 0.
        long bandCells = Math.Min(((2 * bound) + total - 1) / total, m + 1L);
        int vectors = (int)((bandCells + 5 + Lanes - 1) / Lanes);
        var previous = new double[Origin + m + (Lanes * vectors) + Lanes];
        var current = new double[previous.Length];
        var cellIndex = new double[previous.Length]; // i as a double, loaded rather than counted up in the loop
        previous.AsSpan().Fill(1);
        current.AsSpan().Fill(1);
        previous[Origin] = 0; // cell (0, 0)
        for (int k = 0; k < cellIndex.Length; k++)
        {
            cellIndex[k] = k - Origin;
        }

        ref double before = ref MemoryMarshal.GetArrayDataReference(previous);
        ref double after = ref MemoryMarshal.GetArrayDataReference(current);
        ref double index = ref MemoryMarshal.GetArrayDataReference(cellIndex);
        var rotate = Vector256.Create(3L, 0, 1, 2);
        var laneZero = Vector256.Create(-1L, 0, 0, 0).AsDouble();
        var ones = Vector256.Create(1.0);

        var band = new Band(m, n, bound);
        for (long s = 1; s <= total; s++)
        {
            var (first, last) = band.Next(s);
            double sum = s;
            var sums = Vector256.Create(sum);
            var inverses = Vector256.Create(1 / sum);
            var firsts = Vector256.Create((double)first);
            var lasts = Vector256.Create((double)last);
            // From the grid vector holding cell first - 1 (1 on this diagonal, and the neighbour the next one
            // may read) to past last + 1.
            nuint at = (nuint)(Origin + (((first - 1) >> 2) << 2));
            var carried = Vector256.Shuffle(Vector256.LoadUnsafe(ref before, at - Lanes), rotate);
            // Only the first vector holds cells below first.
            var lefts = Vector256.LoadUnsafe(ref index, at);
            var cells = Cells(ref before, at, ref carried, lefts, sums, inverses, rotate, laneZero);
            var outside = Vector256.LessThan(lefts, firsts) | Vector256.GreaterThan(lefts, lasts);
            Vector256.ConditionalSelect(outside, ones, cells).StoreUnsafe(ref after, at);
            for (int k = 1; k < vectors; k++)
            {
                at += Lanes;
                lefts = Vector256.LoadUnsafe(ref index, at);
                cells = Cells(ref before, at, ref carried, lefts, sums, inverses, rotate, laneZero);
                Vector256.ConditionalSelect(Vector256.GreaterThan(lefts, lasts), ones, cells).StoreUnsafe(ref after, at);
            }

            ref double swap = ref before;
            before = ref after;
            after = ref swap;
        }

        return Math.Clamp(Unsafe.Add(ref before, Origin + m), 0, 1);
    }

    /// <summary>
    /// Cells i..i+3 (i = lefts) of the next diagonal from the previous one (at: the buffer position of cell i),
    /// as (i·left + j·below) / s; <paramref name="carried"/> holds the previous vector rotated by one lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Cells(
        ref double previous,
        nuint at,
        ref Vector256<double> carried,
        Vector256<double> lefts,
        Vector256<double> sums,
        Vector256<double> inverses,
        Vector256<long> rotate,
        Vector256<double> laneZero)
    {
        var below = Vector256.LoadUnsafe(ref previous, at); // cells i..i+3 of the previous diagonal
        var rotated = Vector256.Shuffle(below, rotate);
        var left = Avx.IsSupported // cells i-1..i+2
            ? Avx.Blend(rotated, carried, 0b0001)
            : Vector256.ConditionalSelect(laneZero, carried, rotated);
        carried = rotated;
        return Vector256.FusedMultiplyAdd(lefts * inverses, left, (sums - lefts) * inverses * below);
    }

    /// <summary>
    /// <see cref="OutsideVectorised"/> with eight cells per vector and two diagonals per sweep: the same fixed
    /// grid (cell indices that are multiples of 8), the same number of vectors on every sweep and the same
    /// arithmetic per lane, so the same result bit for bit. Without 512-bit vector hardware the same operations
    /// run in software (not chosen then).
    /// </summary>
    // At the windows' D the walk is bound by the fixed cost of a diagonal and the chain from one diagonal to the
    // next (store, forwarded load, permute, multiply-add, mask), not by the cells: eight lanes alone took 8.5
    // instead of 8.7 ns per diagonal at D = 0.02 (3 vectors a diagonal). A sweep computes diagonal s into
    // registers and diagonal s + 1 from them, so only every other diagonal goes through memory (5.9 ns per
    // diagonal in a separate test, 5.6 with the aligned buffers). Four diagonals per sweep widen every sweep by
    // the band's drift and hold 16 constants in registers: faster at D = 0.02 (11.0 against 12.6 us), slower at
    // D = 0.1 (19.5 against 15.4 us) and over the benchmark's windows (14.5 against 13.1-13.7 us).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double OutsideVectorised512(int m, int n, long bound)
    {
        const int Lanes = 8; // Vector512<double>.Count
        long total = (long)m + n;
        // A sweep starts on the grid vector holding cell first - 1 of diagonal s and must reach cell last + 1 of
        // diagonal s + 1 (last moves up by at most one cell per diagonal): bandCells + 2 + 1 cells, plus up to 7
        // below first - 1 to the grid. The next sweep loads what this one stored (diagonal s + 1), as in
        // OutsideVectorised.
        long bandCells = Math.Min(((2 * bound) + total - 1) / total, m + 1L);
        int vectors = (int)((bandCells + 10 + Lanes - 1) / Lanes); // at least 2
        int length = (Origin + m + (Lanes * vectors) + Lanes + 7) & ~7;
        // Both diagonals in one buffer kept per thread, and i as a double from a table shared by all calls,
        // instead of three new arrays and a loop of conversions per call; every grid vector on a 64-byte line.
        Span<double> diagonals = AlignedScratch(2 * length);
        Span<double> previous = diagonals[..length];
        Span<double> current = diagonals[length..];
        previous.Fill(1);
        current.Fill(1);
        previous[Origin] = 0; // cell (0, 0)
        ref double before = ref MemoryMarshal.GetReference(previous);
        ref double after = ref MemoryMarshal.GetReference(current);
        ref double index = ref MemoryMarshal.GetReference(CellIndices(length));
        var shift = Vector512.Create(15L, 0, 1, 2, 3, 4, 5, 6); // lane 0 from lane 7 of the second source
        var ones = Vector512.Create(1.0);
        var band = new Band(m, n, bound);
        long s = 1;
        for (; s < total; s += 2)
        {
            var (first, last) = band.Next(s);
            var (nextFirst, nextLast) = band.Next(s + 1);
            var sums = Vector512.Create((double)s);
            var inverses = Vector512.Create(1 / (double)s);
            var firsts = Vector512.Create((double)first);
            var lasts = Vector512.Create((double)last);
            var nextSums = Vector512.Create((double)(s + 1));
            var nextInverses = Vector512.Create(1 / (double)(s + 1));
            var nextFirsts = Vector512.Create((double)nextFirst);
            var nextLasts = Vector512.Create((double)nextLast);
            nuint at = (nuint)(Origin + (((first - 1) >> 3) << 3));
            var carried = Vector512.LoadUnsafe(ref before, at - Lanes);
            // Cells of diagonal s below the sweep: outside its band (at most first - 2), read only for cells of
            // diagonal s + 1 that are outside its band too.
            var carriedMiddle = ones;
            // Cells below first on diagonal s lie in the first vector (it holds first - 1), and below first on
            // diagonal s + 1 (at most first + 1) in the first two; past those only the upper ends are masked.
            var lefts = Vector512.LoadUnsafe(ref index, at);
            var middle = Vector512.ConditionalSelect(
                Vector512.LessThan(lefts, firsts) | Vector512.GreaterThan(lefts, lasts),
                ones,
                Cells(Vector512.LoadUnsafe(ref before, at), ref carried, lefts, sums, inverses, shift));
            var cells = Cells(middle, ref carriedMiddle, lefts, nextSums, nextInverses, shift);
            Vector512.ConditionalSelect(Vector512.LessThan(lefts, nextFirsts) | Vector512.GreaterThan(lefts, nextLasts), ones, cells)
                .StoreUnsafe(ref after, at);
            at += Lanes;
            lefts = Vector512.LoadUnsafe(ref index, at);
            middle = Vector512.ConditionalSelect(
                Vector512.GreaterThan(lefts, lasts),
                ones,
                Cells(Vector512.LoadUnsafe(ref before, at), ref carried, lefts, sums, inverses, shift));
            cells = Cells(middle, ref carriedMiddle, lefts, nextSums, nextInverses, shift);
            Vector512.ConditionalSelect(Vector512.LessThan(lefts, nextFirsts) | Vector512.GreaterThan(lefts, nextLasts), ones, cells)
                .StoreUnsafe(ref after, at);
            for (int k = 2; k < vectors; k++)
            {
                at += Lanes;
                lefts = Vector512.LoadUnsafe(ref index, at);
                middle = Vector512.ConditionalSelect(
                    Vector512.GreaterThan(lefts, lasts),
                    ones,
                    Cells(Vector512.LoadUnsafe(ref before, at), ref carried, lefts, sums, inverses, shift));
                cells = Cells(middle, ref carriedMiddle, lefts, nextSums, nextInverses, shift);
                Vector512.ConditionalSelect(Vector512.GreaterThan(lefts, nextLasts), ones, cells).StoreUnsafe(ref after, at);
            }

            ref double swap = ref before;
            before = ref after;
            after = ref swap;
        }

        if (s == total)
        {
            // An odd number of diagonals: the last one alone.
            var (first, last) = band.Next(s);
            var sums = Vector512.Create((double)s);
            var inverses = Vector512.Create(1 / (double)s);
            var firsts = Vector512.Create((double)first);
            var lasts = Vector512.Create((double)last);
            nuint at = (nuint)(Origin + (((first - 1) >> 3) << 3));
            var carried = Vector512.LoadUnsafe(ref before, at - Lanes);
            for (int k = 0; k < vectors; k++)
            {
                var lefts = Vector512.LoadUnsafe(ref index, at);
                var cells = Cells(Vector512.LoadUnsafe(ref before, at), ref carried, lefts, sums, inverses, shift);
                Vector512.ConditionalSelect(Vector512.LessThan(lefts, firsts) | Vector512.GreaterThan(lefts, lasts), ones, cells)
                    .StoreUnsafe(ref after, at);
                at += Lanes;
            }

            before = ref after;
        }

        return Math.Clamp(Unsafe.Add(ref before, Origin + m), 0, 1);
    }

    [ThreadStatic]
    private static double[]? t_diagonals;

    private static double[] s_cellIndices = [];

    /// <summary>
    /// <paramref name="length"/> doubles of this thread's scratch (pinned, so that its address holds), starting
    /// on a 64-byte boundary; the length is a multiple of 8, so every grid vector of both halves is aligned.
    /// </summary>
    private static Span<double> AlignedScratch(int length)
    {
        double[] scratch = t_diagonals is { } cached && cached.Length >= length + 8
            ? cached
            : t_diagonals = GC.AllocateUninitializedArray<double>(Math.Max(length + 8, 1024), pinned: true);
        return scratch.AsSpan(AlignmentSkip(scratch), length);
    }

    /// <summary>
    /// k - <see cref="Origin"/> at index k, for k &lt; <paramref name="length"/> at least, on a 64-byte boundary.
    /// Grown by replacing the shared table, never by changing one that another thread may be reading.
    /// </summary>
    private static ReadOnlySpan<double> CellIndices(int length)
    {
        double[] table = Volatile.Read(ref s_cellIndices);
        if (table.Length < length + 8)
        {
            table = GC.AllocateUninitializedArray<double>(Math.Max(length + 8, 2 * table.Length), pinned: true);
            int skip = AlignmentSkip(table);
            for (int k = 0; k < table.Length - skip; k++)
            {
                table[skip + k] = k - Origin;
            }

            Volatile.Write(ref s_cellIndices, table);
        }

        return table.AsSpan(AlignmentSkip(table), length);
    }

    /// <summary>Elements of a pinned array before its first 64-byte boundary.</summary>
    private static int AlignmentSkip(double[] pinned) =>
        (int)((64 - (Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0) & 63)) & 63) / sizeof(double);

    /// <summary>
    /// Cells i..i+7 (i = lefts) of the next diagonal from cells i..i+7 of the previous one
    /// (<paramref name="below"/>) and the previous vector of it (<paramref name="carried"/>), which becomes
    /// <paramref name="below"/>. With AVX-512 one two-source permute takes cells i-1..i+6 from the two.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Cells(
        Vector512<double> below,
        ref Vector512<double> carried,
        Vector512<double> lefts,
        Vector512<double> sums,
        Vector512<double> inverses,
        Vector512<long> shift)
    {
        var left = Avx512F.IsSupported // cells i-1..i+6
            ? Avx512F.PermuteVar8x64x2(below, shift, carried)
            : Vector512.ConditionalSelect(
                Vector512.Create(-1L, 0, 0, 0, 0, 0, 0, 0).AsDouble(),
                Vector512.Shuffle(carried, Vector512.Create(7L, 7, 7, 7, 7, 7, 7, 7)),
                Vector512.Shuffle(below, Vector512.Create(0L, 0, 1, 2, 3, 4, 5, 6)));
        carried = below;
        return Vector512.FusedMultiplyAdd(lefts * inverses, left, (sums - lefts) * inverses * below);
    }

    /// <summary>
    /// The band's ends on successive diagonals: inside on diagonal s, s·m - bound &lt; i·(m+n) &lt; s·m + bound.
    /// Both ends only move up with s, by at most one cell (m &lt; m + n), so they are tracked without dividing
    /// or branching: lowSlack = s·m - bound - low·total stays negative, highSlack = (high+1)·total - s·m -
    /// bound stays non-negative.
    /// </summary>
    private struct Band(long m, long n, long bound)
    {
        private readonly long _total = m + n;
        private long _low;
        private long _high = (bound - 1) / (m + n); // largest i with i·total < bound, for s = 0
        private long _lowSlack = -bound;
        private long _highSlack = ((((bound - 1) / (m + n)) + 1) * (m + n)) - bound;

        /// <summary>Moves to the next diagonal s and returns its first and last cell on the lattice.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public (long First, long Last) Next(long s)
        {
            _lowSlack += m;
            long lowStep = ~(_lowSlack >> 63); // all ones when lowSlack >= 0
            _low += lowStep & 1;
            _lowSlack -= lowStep & _total;
            _highSlack -= m;
            long highStep = _highSlack >> 63; // all ones when highSlack < 0
            _high += highStep & 1;
            _highSlack += highStep & _total;
            // Only cells on the lattice (s-n <= i <= min(m, s)) are computed.
            return (Math.Max(_low, s - n), Math.Min(_high, Math.Min(m, s)));
        }
    }

    /// <summary>
    /// The same walk cell by cell, for processors without 256-bit vectors. m &lt;= n; cells with
    /// |i·n - j·m| ≥ bound are outside.
    /// </summary>
    internal static double OutsideScalar(int m, int n, long bound)
    {
        long total = (long)m + n;
        // Index i + 1 holds cell (i, s - i); index 0 stands for i = -1, which is only ever multiplied by 0.
        var previous = new double[m + 3];
        var current = new double[m + 3];
        previous.AsSpan().Fill(1);
        current.AsSpan().Fill(1);
        previous[1] = 0; // cell (0, 0)
        long low = 0;
        long high = (bound - 1) / total;
        for (long s = 1; s <= total; s++)
        {
            long centre = s * m;
            while (low * total <= centre - bound)
            {
                low++;
            }

            while ((high + 1) * total < centre + bound)
            {
                high++;
            }

            double sum = s;
            double inverse = 1 / sum;
            long last = Math.Min(high, Math.Min(m, s));
            for (long i = Math.Max(low, s - n); i <= last; i++)
            {
                double left = i;
                current[i + 1] = Math.FusedMultiplyAdd(left * inverse, previous[i], (sum - left) * inverse * previous[i + 1]);
            }

            // The band moves by less than one cell per diagonal, so the next diagonal reads this one only
            // within [low - 1, high + 1]; the two edge cells are outside the band (1), and writing them here
            // also clears what two diagonals back left in this buffer.
            current[(int)Math.Clamp(low - 1, -1, m + 1) + 1] = 1;
            current[(int)Math.Clamp(high + 1, -1, m + 1) + 1] = 1;
            (previous, current) = (current, previous);
        }

        return Math.Clamp(previous[m + 1], 0, 1);
    }
}
