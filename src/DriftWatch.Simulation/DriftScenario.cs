using System.Globalization;
using DriftWatch.Simulation.Internal;

namespace DriftWatch.Simulation;

/// <summary>
/// One drift to inject into a simulated fleet, with its ground truth (<see cref="ExpectedFeature"/>).
/// Text form for command lines: <c>kind[:key=value[,key=value...]]</c>, see <see cref="Parse"/>.
/// </summary>
/// <param name="Kind">The behaviour change to inject.</param>
public sealed record DriftScenario(DriftKind Kind)
{
    /// <summary>Default <see cref="Onset"/>: half way through the agent's events.</summary>
    public const double DefaultOnset = 0.5;

    /// <summary>Default <see cref="Ramp"/> in events.</summary>
    public const int DefaultRamp = 2000;

    /// <summary>Default <see cref="Segment"/>: urgency=high.</summary>
    public static readonly KeyValuePair<string, string> DefaultSegment = new(Catalog.Urgency, "high");

    /// <summary>The agent id the drift applies to; null (the default) means the fleet's first agent.</summary>
    public string? Agent { get; init; }

    /// <summary>Where the drift starts, as a fraction in [0, 1] of that agent's decision events (default 0.5).</summary>
    public double Onset { get; init; } = DefaultOnset;

    /// <summary>Sudden (default) or gradual.</summary>
    public DriftMode Mode { get; init; } = DriftMode.Sudden;

    /// <summary>Events over which a gradual drift reaches full strength (default 2000); ignored when sudden.</summary>
    public int Ramp { get; init; } = DefaultRamp;

    /// <summary>
    /// The input segment a <see cref="DriftKind.Misrouting"/> drift is confined to: a feature (category,
    /// urgency or channel) and one of its values. Default urgency=high. Ignored by the other kinds.
    /// </summary>
    public KeyValuePair<string, string> Segment { get; init; } = DefaultSegment;

    /// <summary>The contract feature name a detector should flag for this drift (the ground truth).</summary>
    public string ExpectedFeature => Kind switch
    {
        DriftKind.Misrouting => $"decision.outcome|input.features.{Segment.Key}={Segment.Value}",
        DriftKind.SentimentCollapse => "output.sentiment",
        DriftKind.NewReplyVocabulary => "output.text",
        DriftKind.LatencyCreep => "metrics.latency_ms",
        DriftKind.ConfidenceDrop => "decision.confidence",
        _ => throw new InvalidOperationException($"Unknown drift kind {Kind}."),
    };

    /// <summary>The state key of the causal state event emitted at the onset.</summary>
    public string CausalStateKey => Kind switch
    {
        DriftKind.Misrouting => $"policy/routing/{Segment.Key}-{Segment.Value}",
        DriftKind.SentimentCollapse => "policy/tone",
        DriftKind.NewReplyVocabulary => "prompt/reply-template",
        DriftKind.LatencyCreep => "tools/search-backend",
        DriftKind.ConfidenceDrop => "model/calibration",
        _ => throw new InvalidOperationException($"Unknown drift kind {Kind}."),
    };

    /// <summary>The kind as written in a scenario spec, e.g. <c>latency-creep</c>.</summary>
    public static string KindName(DriftKind kind) => ScenarioSpec.KindName(kind);

    /// <summary>
    /// Parses <c>kind[:key=value[,key=value...]]</c>. Kinds: misrouting, sentiment-collapse,
    /// new-reply-vocabulary, latency-creep, confidence-drop. Keys: agent, onset (0..1), mode (sudden|gradual),
    /// ramp (events, at least 1), segment (misrouting only; <c>urgency=high</c> or <c>urgency:high</c>).
    /// Example: <c>misrouting:agent=support-router,onset=0.5,mode=gradual,ramp=1500</c>.
    /// </summary>
    /// <exception cref="FormatException">The spec is malformed; the message names the problem.</exception>
    public static DriftScenario Parse(string spec) => ScenarioSpec.Parse(spec);

    /// <summary>The spec form, which <see cref="Parse"/> reads back to an equal scenario.</summary>
    public override string ToString()
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{KindName(Kind)}:onset={Onset:R},mode={(Mode == DriftMode.Sudden ? "sudden" : "gradual")},ramp={Ramp}");
        if (Agent is not null)
        {
            text += ",agent=" + Agent;
        }

        if (Kind == DriftKind.Misrouting)
        {
            text += $",segment={Segment.Key}={Segment.Value}";
        }

        return text;
    }

    /// <summary>Checks the settings that do not depend on the fleet; throws naming the setting.</summary>
    internal void Validate(string label, string paramName)
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new ArgumentException($"{label}: Kind {(int)Kind} is not a drift kind.", paramName);
        }

        if (!(Onset >= 0 && Onset <= 1))
        {
            throw new ArgumentException($"{label}: Onset must be in [0, 1], got {Onset.ToString(CultureInfo.InvariantCulture)}.", paramName);
        }

        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"{label}: Mode {(int)Mode} is not sudden or gradual.", paramName);
        }

        if (Ramp < 1)
        {
            throw new ArgumentException($"{label}: Ramp must be at least 1 event, got {Ramp}.", paramName);
        }

        if (Kind == DriftKind.Misrouting)
        {
            var error = ScenarioSpec.SegmentError(Segment.Key, Segment.Value);
            if (error is not null)
            {
                throw new ArgumentException($"{label}: Segment {error}", paramName);
            }
        }
    }
}
