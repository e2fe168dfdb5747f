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

        var labels = new bool[total];
        for (int i = m; i < total; i++)
        {
            labels[i] = true;
        }

        var (mmd, centroid) = Statistics(kernel, dot, labels, m, n);
        var random = new Random(seed);
        var nullMmd = new double[permutations];
        var nullCentroid = new double[permutations];
        for (int b = 0; b < permutations; b++)
        {
            random.Shuffle(labels);
            (nullMmd[b], nullCentroid[b]) = Statistics(kernel, dot, labels, m, n);
        }

        return new EmbeddingDriftResult(mmd, Quantile(nullMmd, alpha), centroid, Quantile(nullCentroid, alpha), bandwidth);
    }

    /// <summary>Unbiased MMD² (Gretton et al. 2012, eq. 3) and 1 - cos(centroid X, centroid Y), for one labelling (true = window).</summary>
    internal static (double Mmd, double Centroid) Statistics(double[,] kernel, double[,] dot, bool[] labels, int m, int n)
    {
        double kxx = 0, kyy = 0, kxy = 0, gxx = 0, gyy = 0, gxy = 0;
        int total = labels.Length;
        for (int i = 0; i < total; i++)
        {
            bool yi = labels[i];
            if (yi)
            {
                gyy += dot[i, i];
            }
            else
            {
                gxx += dot[i, i];
            }

            for (int j = i + 1; j < total; j++)
            {
                double k = kernel[i, j];
                double g = dot[i, j];
                if (yi == labels[j])
                {
                    if (yi)
                    {
                        kyy += k;
                        gyy += 2 * g;
                    }
                    else
                    {
                        kxx += k;
                        gxx += 2 * g;
                    }
                }
                else
                {
                    kxy += k;
                    gxy += g;
                }
            }
        }

        double mmd = (2 * kxx / (m * (m - 1.0))) + (2 * kyy / (n * (n - 1.0))) - (2 * kxy / ((double)m * n));
        // Centroids cx = Σx/m, cy = Σy/n: cos = (Σ x·y / mn) / (|Σx|/m · |Σy|/n) = Σ x·y / (|Σx| |Σy|).
        double denominator = Math.Sqrt(Math.Max(gxx, 0) * Math.Max(gyy, 0));
        double centroid = denominator > 0 ? 1 - (gxy / denominator) : 0;
        return (mmd, centroid);
    }

    private static double Quantile(double[] values, double alpha)
    {
        Array.Sort(values);
        int rank = (int)Math.Ceiling((1 - alpha) * (values.Length + 1));
        return values[Math.Clamp(rank, 1, values.Length) - 1];
    }
}
