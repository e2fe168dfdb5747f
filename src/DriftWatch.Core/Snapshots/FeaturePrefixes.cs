namespace DriftWatch.Core.Snapshots;

/// <summary>Prefixes of the open-ended feature families, to build and recognise their names.</summary>
internal static class FeaturePrefixes
{
    public const string InputFeature = "input.features.";
    public const string Label = "labels.";
    public const string Metric = "metrics.";
}
