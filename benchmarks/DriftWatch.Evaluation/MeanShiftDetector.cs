using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Evaluation;

/// <summary>
/// The trivial baseline: per behaviour, the mean of every numeric feature and the share of every outcome
/// over each tumbling window of <see cref="WindowSize"/> decisions is compared with its mean over the first
/// <see cref="ReferenceSize"/> decisions, and alerts when it moves by more than <see cref="ZThreshold"/>
/// reference standard errors. No calibration, no segments, no text, no multiple-testing correction:
/// it shows what the real detector's extra machinery buys.
/// </summary>
internal sealed class MeanShiftDetector
{
    internal const string Name = "mean-shift";
    internal const int ReferenceSize = 2000;
    internal const int WindowSize = 250;
    internal const double ZThreshold = 3.0;

    // Same episode rule as the detector's default: a feature alerts again only after 4 quiet windows.
    internal const int RearmAfterQuietWindows = 4;
    private const int MinReferenceObservations = 100;
    private const int MinWindowObservations = 30;

    private const string OutcomePrefix = FeatureNames.Outcome + "=";

    private readonly Dictionary<BehaviourKey, Behaviour> _behaviours = [];

    /// <summary>Observes one decision; returns the features that started an alert episode with it.</summary>
    internal IReadOnlyList<string> Observe(DecisionEvent decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (!_behaviours.TryGetValue(decision.Key, out var behaviour))
        {
            behaviour = new Behaviour();
            _behaviours.Add(decision.Key, behaviour);
        }

        return behaviour.Observe(decision);
    }

    private sealed class Behaviour
    {
        private readonly Dictionary<string, Feature> _features = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _referenceOutcomes = new(StringComparer.Ordinal);
        private int _decisions;
        private int _windowDecisions;

        internal IReadOnlyList<string> Observe(DecisionEvent decision)
        {
            _decisions++;
            var inReference = _decisions <= ReferenceSize;
            if (inReference)
            {
                _referenceOutcomes[decision.Outcome] = _referenceOutcomes.GetValueOrDefault(decision.Outcome) + 1;
            }

            foreach (var observation in DecisionFeaturizer.Extract(decision))
            {
                if (observation.Kind == FeatureKind.Numeric)
                {
                    Add(observation.Feature, observation.Number, inReference);
                }
            }

            if (_decisions == ReferenceSize)
            {
                // Each outcome seen in the reference becomes a 0/1 feature; an outcome new after it is not tracked.
                foreach (var (outcome, count) in _referenceOutcomes)
                {
                    _features.Add(OutcomePrefix + outcome, Feature.Share(count, ReferenceSize));
                }
            }

            if (!inReference)
            {
                foreach (var outcome in _referenceOutcomes.Keys)
                {
                    _features[OutcomePrefix + outcome].Add(outcome == decision.Outcome ? 1 : 0, inReference: false);
                }
            }

            if (inReference || ++_windowDecisions < WindowSize)
            {
                return [];
            }

            _windowDecisions = 0;
            List<string>? alerts = null;
            foreach (var (name, feature) in _features.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                if (feature.CloseWindow() is { } z && z > ZThreshold)
                {
                    // Outcome shares are reported under the contract's outcome feature, as the detector names it.
                    (alerts ??= []).Add(name.StartsWith(OutcomePrefix, StringComparison.Ordinal) ? FeatureNames.Outcome : name);
                }
            }

            return alerts?.Distinct(StringComparer.Ordinal).ToList() ?? (IReadOnlyList<string>)[];
        }

        private void Add(string name, double value, bool inReference)
        {
            if (!_features.TryGetValue(name, out var feature))
            {
                feature = new Feature();
                _features.Add(name, feature);
            }

            feature.Add(value, inReference);
        }
    }

    private sealed class Feature
    {
        private long _referenceCount;
        private double _referenceMean;
        private double _referenceM2;
        private int _windowCount;
        private double _windowSum;
        private bool _inEpisode;
        private int _quietWindows;

        /// <summary>A 0/1 feature whose reference holds <paramref name="hits"/> ones in <paramref name="total"/> values.</summary>
        internal static Feature Share(int hits, int total)
        {
            var p = hits / (double)total;
            return new Feature { _referenceCount = total, _referenceMean = p, _referenceM2 = total * p * (1 - p) };
        }

        internal void Add(double value, bool inReference)
        {
            if (inReference)
            {
                // Welford's update keeps the variance exact without a second pass.
                _referenceCount++;
                var delta = value - _referenceMean;
                _referenceMean += delta / _referenceCount;
                _referenceM2 += delta * (value - _referenceMean);
            }
            else
            {
                _windowCount++;
                _windowSum += value;
            }
        }

        /// <summary>The window's z-score when it starts an episode, otherwise null; resets the window.</summary>
        internal double? CloseWindow()
        {
            var count = _windowCount;
            var sum = _windowSum;
            _windowCount = 0;
            _windowSum = 0;
            double z = 0;
            if (count >= MinWindowObservations && _referenceCount >= MinReferenceObservations)
            {
                var sd = Math.Sqrt(_referenceM2 / (_referenceCount - 1));
                if (sd > 0)
                {
                    z = Math.Abs((sum / count) - _referenceMean) / (sd / Math.Sqrt(count));
                }
            }

            if (z > ZThreshold)
            {
                _quietWindows = 0;
                if (_inEpisode)
                {
                    return null;
                }

                _inEpisode = true;
                return z;
            }

            if (_inEpisode && ++_quietWindows >= RearmAfterQuietWindows)
            {
                _inEpisode = false;
            }

            return null;
        }
    }
}
