namespace DriftWatch.Core.Detection;

/// <summary>Detector names as they appear in scores and alerts.</summary>
public static class DetectorNames
{
    /// <summary>Pearson chi-square test of homogeneity (categorical, conditional, text sketch).</summary>
    public const string ChiSquare = "chi2";

    /// <summary>
    /// Exact (hypergeometric) tests of sparse categories, Bonferroni-combined; score -log10 of the adjusted
    /// p-value, threshold -log10 of its α.
    /// </summary>
    public const string Exact = "exact";

    /// <summary>Jensen-Shannon distance, base 2: effect size of categorical shifts.</summary>
    public const string JensenShannon = "js";

    /// <summary>Two-sample Kolmogorov-Smirnov statistic D (numeric).</summary>
    public const string KolmogorovSmirnov = "ks";

    /// <summary>Wasserstein-1 distance divided by the reference IQR: effect size of numeric shifts.</summary>
    public const string Wasserstein = "wasserstein";

    /// <summary>CUSUM over the normal scores of a feature's window tests: catches gradual drift.</summary>
    public const string Cusum = "cusum";

    /// <summary>
    /// The detection decision itself, one series per feature: score = how far the feature is past the point
    /// where it alerts (the test and its effect size both over their thresholds, or the CUSUM and the
    /// effect size), threshold 1. Above 1 exactly when the feature fires; dashboards, alert rules and
    /// Prometheus rules use this series, since a test statistic alone can be over its threshold with an
    /// effect too small to matter.
    /// </summary>
    public const string Drift = "drift";
}
