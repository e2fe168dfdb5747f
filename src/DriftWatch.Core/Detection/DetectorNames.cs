namespace DriftWatch.Core.Detection;

/// <summary>Detector names as they appear in scores and alerts.</summary>
public static class DetectorNames
{
    /// <summary>Pearson chi-square test of homogeneity (categorical, conditional, text sketch).</summary>
    public const string ChiSquare = "chi2";

    /// <summary>Jensen-Shannon distance, base 2: effect size of categorical shifts.</summary>
    public const string JensenShannon = "js";

    /// <summary>Two-sample Kolmogorov-Smirnov statistic D (numeric).</summary>
    public const string KolmogorovSmirnov = "ks";

    /// <summary>Wasserstein-1 distance divided by the reference IQR: effect size of numeric shifts.</summary>
    public const string Wasserstein = "wasserstein";

    /// <summary>CUSUM over the normal scores of a feature's window tests: catches gradual drift.</summary>
    public const string Cusum = "cusum";
}
