using DriftWatch.Ml.Embeddings;

namespace DriftWatch.Ml.Internal;

/// <summary>
/// What all behaviours of one monitor share: the embedder with its cache, and the per-test false-alarm
/// level. A behaviour runs F ML tests per window of W events, so each gets α = W / (F · target events).
/// </summary>
internal sealed class MlShared(ITextEmbedder? embedder, double alpha)
{
    public ITextEmbedder? Embedder { get; } = embedder;

    public double Alpha { get; } = alpha;

    public double Z { get; } = DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(alpha);

    public static double AlphaFor(MlDetectionOptions options, int windowSize)
    {
        int tests = (options.DomainClassifier.Enabled ? options.DomainClassifier.Features.Count : 0)
            + (options.PcaAnomaly.Enabled ? 1 : 0)
            + (options.Embeddings.Enabled ? 2 : 0);
        return Math.Clamp(windowSize / (Math.Max(tests, 1) * options.TargetEventsBetweenFalseAlarms), 1e-12, 0.25);
    }
}
