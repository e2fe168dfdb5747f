namespace DriftWatch.Ml.Embeddings;

/// <summary>Both embedding statistics of one window with their permutation thresholds.</summary>
internal readonly record struct EmbeddingDriftResult(double Mmd, double MmdThreshold, double CentroidDistance, double CentroidThreshold, double Bandwidth);

/// <summary>
/// Compares two samples of embeddings by the unbiased MMD² with a Gaussian kernel (bandwidth: median pairwise
/// distance of the pooled sample) and by the cosine distance between their centroids. Both come from one
/// Gram matrix of dot products, so a relabelling costs O(n²); each threshold is the (1 - α) quantile of the
/// statistic over seeded random relabellings (at best the largest, so α is limited to about 1/permutations).
/// </summary>
internal static class EmbeddingDriftTest
{
    public static EmbeddingDriftResult Run(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> window, double alpha, int permutations, int seed)
    {
        int m = reference.Count;
        int n = window.Count;
        if (m < 2 || n < 2)
        {
            throw new ArgumentException("Each sample needs at least two embeddings.", nameof(reference));
        }

        int total = m + n;
        var rows = reference.Concat(window).ToArray();
        var dot = new double[total, total];
        for (int i = 0; i < total; i++)
        {
            for (int j = i; j < total; j++)
            {
                double sum = 0;
                var a = rows[i];
                var b = rows[j];
                for (int d = 0; d < a.Length; d++)
                {
                    sum += a[d] * (double)b[d];
                }

                dot[i, j] = sum;
                dot[j, i] = sum;
            }
        }

        var squared = new double[total * (total - 1) / 2];
        int p = 0;
        for (int i = 0; i < total; i++)
        {
            for (int j = i + 1; j < total; j++)
            {
                squared[p++] = Math.Max(dot[i, i] + dot[j, j] - (2 * dot[i, j]), 0);
            }
        }

        var sortedDistances = squared.Select(Math.Sqrt).Order().ToArray();
        double median = sortedDistances.Length % 2 == 1
            ? sortedDistances[sortedDistances.Length / 2]
            : (sortedDistances[(sortedDistances.Length / 2) - 1] + sortedDistances[sortedDistances.Length / 2]) / 2;
        double bandwidth = median > 0 ? median : 1;
        double gamma = 1 / (2 * bandwidth * bandwidth);
        var kernel = new double[total, total];
        for (int i = 0; i < total; i++)
        {
            kernel[i, i] = 1;
            for (int j = i + 1; j < total; j++)
            {
                double k = Math.Exp(-gamma * Math.Max(dot[i, i] + dot[j, j] - (2 * dot[i, j]), 0));
                kernel[i, j] = k;
                kernel[j, i] = k;
            }
        }

        var sums = new PairSums(kernel, dot, total);
        int[] order = Enumerable.Range(0, total).ToArray();
        var (mmd, centroid) = sums.Statistics(order, m);
        var random = new Random(seed);
        var nullMmd = new double[permutations];
        var nullCentroid = new double[permutations];
        for (int b = 0; b < permutations; b++)
        {
            random.Shuffle(order);
            (nullMmd[b], nullCentroid[b]) = sums.Statistics(order, m);
        }

        return new EmbeddingDriftResult(mmd, Quantile(nullMmd, alpha), centroid, Quantile(nullCentroid, alpha), bandwidth);
    }

    private static double Quantile(double[] values, double alpha)
    {
        Array.Sort(values);
        int rank = (int)Math.Ceiling((1 - alpha) * (values.Length + 1));
        return values[Math.Clamp(rank, 1, values.Length) - 1];
    }

    /// <summary>
    /// Block sums of the kernel and Gram matrices for any split of the pooled rows. Row sums and the total are
    /// fixed, so the window block alone determines the other two: a relabelling costs n²/2, not (m+n)²/2.
    /// </summary>
    private sealed class PairSums
    {
        private readonly double[,] _kernel;
        private readonly double[,] _dot;
        private readonly double[] _kernelRows;
        private readonly double[] _dotRows;
        private readonly double _kernelTotal;
        private readonly double _dotTotal;

        public PairSums(double[,] kernel, double[,] dot, int total)
        {
            _kernel = kernel;
            _dot = dot;
            _kernelRows = new double[total];
            _dotRows = new double[total];
            for (int i = 0; i < total; i++)
            {
                for (int j = 0; j < total; j++)
                {
                    if (i != j)
                    {
                        _kernelRows[i] += kernel[i, j];
                        _dotRows[i] += dot[i, j];
                    }
                }

                _kernelTotal += _kernelRows[i];
                _dotTotal += _dotRows[i];
            }

            _kernelTotal /= 2; // each off-diagonal pair once
            _dotTotal /= 2;
        }

        /// <summary>
        /// Unbiased MMD² (Gretton et al. 2012, eq. 3) and 1 - cos(centroid X, centroid Y) when rows order[0..m)
        /// are the reference and the rest the window.
        /// </summary>
        public (double Mmd, double Centroid) Statistics(int[] order, int m)
        {
            int total = order.Length;
            int n = total - m;
            double kyy = 0, gyy = 0, kernelRows = 0, dotRows = 0, yDiagonal = 0, xDiagonal = 0;
            for (int a = m; a < total; a++)
            {
                int i = order[a];
                kernelRows += _kernelRows[i];
                dotRows += _dotRows[i];
                yDiagonal += _dot[i, i];
                for (int b = a + 1; b < total; b++)
                {
                    int j = order[b];
                    kyy += _kernel[i, j];
                    gyy += _dot[i, j];
                }
            }

            for (int a = 0; a < m; a++)
            {
                xDiagonal += _dot[order[a], order[a]];
            }

            // Over unordered off-diagonal pairs: rows of Y = 2·YY + XY, and XX + YY + XY = total.
            double kxy = kernelRows - (2 * kyy);
            double kxx = _kernelTotal - kyy - kxy;
            double gxy = dotRows - (2 * gyy);
            double gxx = _dotTotal - gyy - gxy;

            double mmd = (2 * kxx / (m * (m - 1.0))) + (2 * kyy / (n * (n - 1.0))) - (2 * kxy / ((double)m * n));
            // Centroids cx = Σx/m, cy = Σy/n: cos = Σ x·y / (|Σx| |Σy|), with |Σx|² = Σ_i x_i·x_i + 2 Σ_{i<j} x_i·x_j.
            double sumXSquared = xDiagonal + (2 * gxx);
            double sumYSquared = yDiagonal + (2 * gyy);
            double denominator = Math.Sqrt(Math.Max(sumXSquared, 0) * Math.Max(sumYSquared, 0));
            double centroid = denominator > 0 ? 1 - (gxy / denominator) : 0;
            return (mmd, centroid);
        }
    }
}
