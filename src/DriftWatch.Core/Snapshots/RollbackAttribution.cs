using System.Globalization;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// Ranks an agent's state changes by how likely each caused a drift, and picks the keys a scoped rollback
/// reverts.
/// </summary>
/// <remarks>
/// <para>Only changes of the same agent and environment made after the last good snapshot ended and no later
/// than <see cref="AttributionOptions.GraceAfterOnset"/> after the onset are candidates: earlier ones were in
/// effect while behaviour was good.</para>
/// <para>Score = time x segment x relevance:</para>
/// <list type="bullet">
/// <item>time: <c>exp(-(onset - t) / scale)</c> before the onset; after it, half that decay over the grace period.</item>
/// <item>segment: 1 when the change's segment is within the drifted segment (same values), 0.7 when it is
/// narrower (extra conditions, none conflicting), 0.6 for a change to all traffic, 0.4 for a scoped change
/// against a drift of all traffic, 0.05 when a condition contradicts the drifted segment.</item>
/// <item>relevance: 1 when a word of the key belongs to the drifted feature's vocabulary (e.g. tone, persona,
/// prompt for output.sentiment; route, queue, policy for decision.outcome; timeout, retry, cache for latency),
/// 0.75 when it names the drifted segment, 0.4 otherwise: unknown keys are down-weighted, not excluded.</item>
/// </list>
/// </remarks>
public static class RollbackAttribution
{
    private static readonly Dictionary<string, string[]> Vocabulary = new(StringComparer.Ordinal)
    {
        [FeatureNames.Outcome] = ["route", "routing", "router", "routes", "queue", "queues", "rule", "rules", "policy", "policies", "escalation", "escalate", "classifier", "classification", "intent", "label", "labels", "decision", "triage", "threshold", "thresholds"],
        [FeatureNames.Confidence] = ["confidence", "calibration", "calibrate", "threshold", "thresholds", "model", "temperature", "classifier", "scoring", "score"],
        [FeatureNames.Sentiment] = ["tone", "sentiment", "persona", "style", "empathy", "voice", "politeness", "prompt", "system", "instructions", "guardrail", "guardrails"],
        [FeatureNames.OutputText] = ["template", "templates", "reply", "replies", "response", "responses", "tone", "persona", "style", "vocabulary", "phrasing", "phrases", "prompt", "system", "instructions", "wording", "language", "locale"],
        [FeatureNames.InputText] = ["preprocess", "preprocessing", "normalize", "normalise", "tokenizer", "filter", "input", "language", "locale"],
        [FeatureNames.ToolCallName] = ["tool", "tools", "plugin", "plugins", "function", "functions", "api", "action", "actions"],
        [FeatureNames.ToolCallStatus] = ["tool", "tools", "api", "timeout", "retry", "retries", "endpoint", "credentials", "auth"],
        ["metrics.latency_ms"] = ["timeout", "timeouts", "retry", "retries", "cache", "caching", "latency", "tool", "tools", "model", "batch", "batching", "rate", "limit", "limits", "concurrency", "context", "memory", "retrieval", "rag", "search", "backend", "endpoint", "index"],
    };

    private static readonly string[] SharedVocabulary = ["prompt", "model"];

    /// <summary>
    /// Ranks <paramref name="changes"/> as causes of <paramref name="drift"/>, best first. Changes of other
    /// agents or environments, or outside the window, are left out.
    /// </summary>
    /// <param name="drift">The drift to explain.</param>
    /// <param name="lastGoodEnd">End of the last good snapshot (its <see cref="BehaviourSnapshot.To"/>).</param>
    /// <param name="changes">State events, in any order.</param>
    /// <param name="options">Weights; <see cref="AttributionOptions.Default"/> when null.</param>
    public static IReadOnlyList<RollbackCandidate> Rank(
        DriftObservation drift,
        DateTimeOffset lastGoodEnd,
        IEnumerable<StateEvent> changes,
        AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(drift);
        ArgumentNullException.ThrowIfNull(changes);
        options ??= AttributionOptions.Default;
        options.Validate();

        var lookback = drift.Onset - lastGoodEnd;
        var scale = options.TimeScale ?? TimeSpan.FromTicks(Math.Max(lookback.Ticks / 4, TimeSpan.FromMinutes(1).Ticks));
        var latest = drift.Onset + options.GraceAfterOnset;
        var vocabulary = VocabularyFor(drift.BaseFeature);
        var segment = drift.Segment;

        return changes
            .Where(c => c.AgentId == drift.AgentId && c.Environment == drift.Environment)
            .Where(c => c.Timestamp > lastGoodEnd && c.Timestamp <= latest)
            .Select(c => Score(c, drift, scale, options.GraceAfterOnset, vocabulary, segment))
            .OrderByDescending(static c => c.Score)
            .ThenBy(c => Math.Abs((c.Change.Timestamp - drift.Onset).Ticks))
            .ThenBy(static c => c.Change.Key, StringComparer.Ordinal)
            .ThenBy(static c => c.Change.EventId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The keys a scoped rollback reverts from a ranking (best first): those scoring at least
    /// <see cref="AttributionOptions.RevertScoreRatio"/> of the best, at most
    /// <see cref="AttributionOptions.MaxKeysToRevert"/>; the other changes stay in place.
    /// </summary>
    public static IReadOnlyList<string> KeysToRevert(IReadOnlyList<RollbackCandidate> ranked, AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        options ??= AttributionOptions.Default;
        var top = ranked.Count == 0 ? 0 : ranked[0].Score;
        return ranked
            .Where(c => c.Score > 0 && c.Score >= options.RevertScoreRatio * top)
            .Select(static c => c.Change.Key)
            .Distinct(StringComparer.Ordinal)
            .Take(options.MaxKeysToRevert)
            .ToList();
    }

    /// <summary>
    /// Whether a state key bears on a behaviour feature regardless of when it changed: its name belongs to the
    /// feature's vocabulary or names the feature's segment (relevance at least 0.75 above), and its segment does
    /// not exclude the feature's segment. Links the keys of a state sync plan to behaviours.
    /// </summary>
    /// <param name="key">The state key.</param>
    /// <param name="segment">The input segment the key's value applies to; empty means all traffic.</param>
    /// <param name="feature">A contract feature name, e.g. <c>decision.outcome|input.features.urgency=high</c>.</param>
    public static bool BearsOn(string key, IReadOnlyDictionary<string, string> segment, string feature)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentException.ThrowIfNullOrEmpty(feature);
        var target = new DriftObservation(string.Empty, string.Empty, feature, default);
        var featureSegment = target.Segment;
        var (segmentScore, _) = SegmentOverlap(segment, featureSegment);
        var (relevance, _) = Relevance(NamingWords(key), target.BaseFeature, VocabularyFor(target.BaseFeature), featureSegment);
        return relevance >= LinkedRelevance && segmentScore >= LinkedSegmentOverlap;
    }

    /// <summary>
    /// The words that say what a key is about. Keys are often namespaced (<c>policy/tone</c>, <c>policy/routing/...</c>):
    /// when the words after the first segment name something known, the namespace is left out, so one generic
    /// namespace does not link every key under it to the same behaviour.
    /// </summary>
    private static List<string> NamingWords(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var rest = Words(key[(slash + 1)..]).ToList();
            if (rest.Exists(static w => SharedVocabulary.Contains(w) || Vocabulary.Values.Any(v => v.Contains(w))))
            {
                return rest;
            }
        }

        return [.. Words(key)];
    }

    // A name that only "has no known bearing" (0.4) is not a link; a segment that excludes the feature's (0.05) is not either.
    private const double LinkedRelevance = 0.75;
    private const double LinkedSegmentOverlap = 0.4;

    private static RollbackCandidate Score(
        StateEvent change,
        DriftObservation drift,
        TimeSpan scale,
        TimeSpan grace,
        HashSet<string> vocabulary,
        IReadOnlyDictionary<string, string> segment)
    {
        var reasons = new List<string>(3);

        var delta = drift.Onset - change.Timestamp;
        double time;
        if (delta >= TimeSpan.Zero)
        {
            time = Math.Exp(-delta / scale);
            reasons.Add($"{change.Op.ToString().ToLowerInvariant()} {Duration(delta)} before the onset");
        }
        else
        {
            time = 0.5 * (grace > TimeSpan.Zero ? Math.Exp(delta / grace) : 0);
            reasons.Add($"{change.Op.ToString().ToLowerInvariant()} {Duration(-delta)} after the onset (within the grace period)");
        }

        var (segmentScore, segmentReason) = SegmentOverlap(change.Segment, segment);
        reasons.Add(segmentReason);

        var (relevance, relevanceReason) = Relevance(change.Key, drift.BaseFeature, vocabulary, segment);
        reasons.Add(relevanceReason);

        return new RollbackCandidate(change, time * segmentScore * relevance, time, segmentScore, relevance, reasons);
    }

    private static (double Score, string Reason) SegmentOverlap(IReadOnlyDictionary<string, string> change, IReadOnlyDictionary<string, string> drift)
    {
        var changeText = Describe(change);
        var driftText = Describe(drift);
        if (change.Count == 0)
        {
            return (0.6, "applies to all traffic, including the drifted segment");
        }

        if (drift.Count == 0)
        {
            return (0.4, $"scoped to {changeText}, while the drift is across all traffic");
        }

        foreach (var (key, value) in change)
        {
            if (drift.TryGetValue(key, out var driftValue) && !string.Equals(driftValue, value, StringComparison.Ordinal))
            {
                return (0.05, $"scoped to {changeText}, which excludes the drifted segment {driftText}");
            }
        }

        return change.Keys.All(drift.ContainsKey)
            ? (1.0, $"scoped to {changeText}, covering the drifted segment {driftText}")
            : (0.7, $"scoped to {changeText}, part of the drifted segment {driftText}");
    }

    private static (double Score, string Reason) Relevance(
        string key,
        string feature,
        HashSet<string> vocabulary,
        IReadOnlyDictionary<string, string> segment) => Relevance(Words(key), feature, vocabulary, segment);

    private static (double Score, string Reason) Relevance(
        IEnumerable<string> words,
        string feature,
        HashSet<string> vocabulary,
        IReadOnlyDictionary<string, string> segment)
    {
        var hit = words.FirstOrDefault(vocabulary.Contains);
        if (hit is not null)
        {
            return (1.0, $"key mentions '{hit}', which bears on {feature}");
        }

        var segmentWords = segment.SelectMany(kv => Words(kv.Key).Concat(Words(kv.Value))).ToHashSet(StringComparer.Ordinal);
        hit = words.FirstOrDefault(segmentWords.Contains);
        if (hit is not null)
        {
            return (0.75, $"key mentions '{hit}', which names the drifted segment");
        }

        return (0.4, $"key has no known bearing on {feature}");
    }

    private static HashSet<string> VocabularyFor(string feature)
    {
        var words = new HashSet<string>(SharedVocabulary, StringComparer.Ordinal);
        if (Vocabulary.TryGetValue(feature, out var known))
        {
            words.UnionWith(known);
        }
        else if (feature.StartsWith(FeaturePrefixes.Metric, StringComparison.Ordinal))
        {
            // Other metrics (tokens_in, cost...) relate to model and prompt changes and to their own name.
            words.UnionWith(["context", "max", "limit", "limits", "memory", "retrieval"]);
        }

        // The feature's own words count too: a key "labels/priority" bears on labels.priority.
        words.UnionWith(Words(feature).Where(static w => w is not ("decision" or "input" or "output" or "features" or "metrics" or "labels" or "ms")));
        return words;
    }

    private static IEnumerable<string> Words(string text)
    {
        var word = new System.Text.StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    private static string Describe(IReadOnlyDictionary<string, string> segment) =>
        segment.Count == 0 ? "all traffic" : string.Join(",", segment.OrderBy(static kv => kv.Key, StringComparer.Ordinal).Select(static kv => $"{kv.Key}={kv.Value}"));

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}h {span.Minutes:00}m")
        : span.TotalMinutes >= 1
            ? span.ToString(@"m\m\ ss\s", CultureInfo.InvariantCulture)
            : span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + "s";
}
