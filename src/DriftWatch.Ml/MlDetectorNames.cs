namespace DriftWatch.Ml;

/// <summary>Detector and feature names the ML detectors write into scores and alerts.</summary>
public static class MlDetectorNames
{
    /// <summary>AUC of a classifier telling reference texts from window texts (0.5 = no drift).</summary>
    public const string DomainClassifier = "domain-classifier";

    /// <summary>Distance of a window's profile vector from the reference windows' principal subspace.</summary>
    public const string PcaAnomaly = "pca-anomaly";

    /// <summary>MMD² between reference and window sentence embeddings (Gaussian kernel).</summary>
    public const string EmbeddingMmd = "embedding-mmd";

    /// <summary>Cosine distance between the reference's and the window's mean sentence embedding.</summary>
    public const string EmbeddingCentroid = "embedding-centroid";

    /// <summary>The feature name of the whole-window profile that <see cref="PcaAnomaly"/> scores.</summary>
    public const string WindowProfileFeature = "window.profile";
}
