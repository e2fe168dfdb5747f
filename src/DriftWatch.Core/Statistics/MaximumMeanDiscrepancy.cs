namespace DriftWatch.Core.Statistics;

/// <summary>
/// Squared maximum mean discrepancy with a Gaussian (RBF) kernel k(a, b) = exp(-|a - b|² / (2σ²)), for
/// comparing samples of vectors such as text embeddings. Rows are stored row-major in one span.
/// </summary>
internal static class MaximumMeanDiscrepancy
{
    /// <summary>Unbiased MMD² estimate (Gretton et al. 2012, eq. 3).</summary>
    public static double Unbiased(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int dimension, double bandwidth)
    {
        var pooled = Pool(x, y, dimension, out int m, out int n);
        double[,] kernel = KernelMatrix(pooled, m + n, dimension, bandwidth);
        int[] order = Enumerable.Range(0, m + n).ToArray();
        return FromKernel(kernel, order, m);
    }

    /// <summary>
    /// Permutation p-value of the unbiased MMD²: the share of <paramref name="permutations"/> random
    /// relabellings (Fisher-Yates with a fixed <paramref name="seed"/>, so the answer is reproducible) whose
    /// statistic is at least the observed one, counting the observed labelling: (1 + hits) / (1 + B).
    /// </summary>
    public static (double Statistic, double PValue) PermutationTest(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, int dimension, double bandwidth, int permutations, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var pooled = Pool(x, y, dimension, out int m, out int n);
        double[,] kernel = KernelMatrix(pooled, m + n, dimension, bandwidth);
        int[] order = Enumerable.Range(0, m + n).ToArray();
        double observed = FromKernel(kernel, order, m);
        var random = new Random(seed);
        int hits = 0;
        for (int b = 0; b < permutations; b++)
        {
            for (int i = order.Length - 1; i > 0; i--)
            {
                int k = random.Next(i + 1);
                (order[i], order[k]) = (order[k], order[i]);
            }

            if (FromKernel(kernel, order, m) >= observed)
            {
                hits++;
            }
        }

        return (observed, (1.0 + hits) / (1.0 + permutations));
    }

    /// <summary>Median of pairwise distances in the pooled sample: the usual bandwidth heuristic.</summary>
    public static double MedianHeuristic(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int dimension)
    {
        var pooled = Pool(x, y, dimension, out int m, out int n);
        int total = m + n;
        var distances = new List<double>(total * (total - 1) / 2);
        for (int i = 0; i < total; i++)
        {
            for (int j = i + 1; j < total; j++)
            {
                distances.Add(Math.Sqrt(SquaredDistance(pooled, i, j, dimension)));
            }
        }

        distances.Sort();
        double median = distances.Count == 0 ? 1 : Quantiles.Linear(distances.ToArray(), 0.5);
        return median > 0 ? median : 1;
    }

    private static double[] Pool(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int dimension, out int m, out int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (x.Length % dimension != 0 || y.Length % dimension != 0)
        {
            throw new ArgumentException("Sample lengths must be multiples of the dimension.", nameof(dimension));
        }

        m = x.Length / dimension;
        n = y.Length / dimension;
        if (m < 2 || n < 2)
        {
            throw new ArgumentException("Each sample needs at least two rows for the unbiased estimate.", nameof(x));
        }

        var pooled = new double[x.Length + y.Length];
        x.CopyTo(pooled);
        y.CopyTo(pooled.AsSpan(x.Length));
        return pooled;
    }

    private static double[,] KernelMatrix(double[] pooled, int rows, int dimension, double bandwidth)
    {
        if (!(bandwidth > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "Bandwidth must be positive.");
        }

        double gamma = 1 / (2 * bandwidth * bandwidth);
        var kernel = new double[rows, rows];
        for (int i = 0; i < rows; i++)
        {
            kernel[i, i] = 1;
            for (int j = i + 1; j < rows; j++)
            {
                double k = Math.Exp(-gamma * SquaredDistance(pooled, i, j, dimension));
                kernel[i, j] = k;
                kernel[j, i] = k;
            }
        }

        return kernel;
    }

    private static double FromKernel(double[,] kernel, int[] order, int m)
    {
        int n = order.Length - m;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int a = 0; a < order.Length; a++)
        {
            for (int b = a + 1; b < order.Length; b++)
            {
                double k = kernel[order[a], order[b]];
                if (a < m && b < m)
                {
                    xx += k;
                }
                else if (a >= m && b >= m)
                {
                    yy += k;
                }
                else
                {
                    xy += k;
                }
            }
        }

        return (2 * xx / (m * (m - 1.0))) + (2 * yy / (n * (n - 1.0))) - (2 * xy / ((double)m * n));
    }

    private static double SquaredDistance(double[] pooled, int i, int j, int dimension)
    {
        double sum = 0;
        for (int d = 0; d < dimension; d++)
        {
            double diff = pooled[(i * dimension) + d] - pooled[(j * dimension) + d];
            sum += diff * diff;
        }

        return sum;
    }
}
