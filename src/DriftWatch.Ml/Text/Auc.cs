namespace DriftWatch.Ml.Text;

/// <summary>
/// Area under the ROC curve of scores for negatives and positives, computed as the Mann-Whitney U statistic
/// over (m·n) with mid-ranks for ties, and its null bound for a classifier trained on other data.
/// </summary>
internal static class Auc
{
    public static double Compute(IReadOnlyList<double> negatives, IReadOnlyList<double> positives)
    {
        int m = negatives.Count;
        int n = positives.Count;
        if (m == 0 || n == 0)
        {
            throw new ArgumentException("Both classes need at least one score.", nameof(negatives));
        }

        var pooled = new (double Score, bool Positive)[m + n];
        for (int i = 0; i < m; i++)
        {
            pooled[i] = (negatives[i], false);
        }

        for (int j = 0; j < n; j++)
        {
            pooled[m + j] = (positives[j], true);
        }

        Array.Sort(pooled, (a, b) => a.Score.CompareTo(b.Score));
        double positiveRankSum = 0;
        int start = 0;
        while (start < pooled.Length)
        {
            int end = start;
            while (end + 1 < pooled.Length && pooled[end + 1].Score == pooled[start].Score)
            {
                end++;
            }

            double midRank = ((start + end) / 2.0) + 1;
            for (int k = start; k <= end; k++)
            {
                if (pooled[k].Positive)
                {
                    positiveRankSum += midRank;
                }
            }

            start = end + 1;
        }

        double u = positiveRankSum - (n * (n + 1) / 2.0);
        return u / ((double)m * n);
    }

    /// <summary>
    /// The AUC a held-out set of m negatives and n positives exceeds with probability alpha when the labels
    /// carry no information (the classifier was fitted on other rows, so its test scores are exchangeable):
    /// U/(mn) is then asymptotically normal with mean 1/2 and variance (m+n+1)/(12mn). Ties in the scores only
    /// shrink that variance, so the bound is conservative when many texts repeat.
    /// </summary>
    public static double NullThreshold(int m, int n, double z) =>
        0.5 + (z * Math.Sqrt((m + n + 1) / (12.0 * m * n)));
}
