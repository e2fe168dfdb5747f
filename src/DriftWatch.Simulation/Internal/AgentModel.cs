using System.Globalization;
using System.Text;
using DriftWatch.Core.Events;

namespace DriftWatch.Simulation.Internal;

/// <summary>
/// Builds one agent's events in its own order from its own random stream, so agents do not influence each
/// other's content and the interleaving cannot change what an agent says.
/// </summary>
internal sealed class AgentModel
{
    // Healthy behaviour and what full-strength drift moves it to.
    private const double ConfidenceLogitMean = 1.52;      // logit-normal, mean about 0.80
    private const double DriftedConfidenceLogitMean = 0.20; // mean about 0.55
    private const double ConfidenceLogitSigma = 0.55;
    private const double SentimentMean = 0.30;
    private const double SentimentCollapseShift = -0.80;
    private const double SentimentSigma = 0.18;
    private const double ModelLatencyMedianMs = 330;

    private static readonly double[] ChannelWeights = [0.45, 0.40, 0.15];
    private static readonly double[] HighUrgencyByChannel = [0.16, 0.20, 0.32];
    private const double MediumUrgency = 0.45;

    private readonly AgentPlan _plan;
    private readonly string _environment;
    private readonly long _seed;
    private readonly SimRandom _rng;
    private readonly StringBuilder _text = new(160);
    private int _stateNumber;
    private string _stateVersion;

    public AgentModel(AgentPlan plan, SimulationOptions options)
    {
        _plan = plan;
        _environment = options.Environment;
        _seed = options.Seed;
        _rng = new SimRandom(SimRandom.Derive(options.Seed, plan.Index, FleetPlan.ContentStream));
        _stateNumber = plan.StateVersionBase;
        _stateVersion = FleetPlan.StateVersion(_stateNumber);
    }

    /// <summary>The causal event's id depends only on seed, agent and scenario, so the manifest can name it up front.</summary>
    public static string CausalEventId(long seed, PlannedScenario scenario) =>
        new SimRandom(SimRandom.Derive(seed, scenario.AgentIndex, FleetPlan.CausalStream, scenario.ScenarioIndex)).NextEventId();

    public StateEvent Causal(PlannedScenario planned, DateTimeOffset timestamp)
    {
        var scenario = planned.Scenario;
        return new StateEvent
        {
            EventId = CausalEventId(_seed, planned),
            AgentId = _plan.Profile.AgentId,
            Environment = _environment,
            Timestamp = timestamp,
            Key = scenario.CausalStateKey,
            Op = StateOperation.Set,
            Value = StateValues.CausalValue(scenario),
            Segment = scenario.Kind == DriftKind.Misrouting
                ? new Dictionary<string, string>(1) { [scenario.Segment.Key] = scenario.Segment.Value }
                : new Dictionary<string, string>(),
            StateVersion = BumpStateVersion(),
        };
    }

    public StateEvent Background(DateTimeOffset timestamp)
    {
        var key = _rng.Next(StateValues.BackgroundKeys.Length);
        var delete = _rng.Chance(0.1);
        var choice = _rng.Next(3);
        var segment = new Dictionary<string, string>(1);
        var u = _rng.NextDouble();
        if (u < 0.2)
        {
            segment[Catalog.Channel] = _rng.Pick(Catalog.Channels);
        }
        else if (u < 0.4)
        {
            segment[Catalog.Category] = _rng.Pick(Catalog.Categories);
        }

        return new StateEvent
        {
            EventId = _rng.NextEventId(),
            AgentId = _plan.Profile.AgentId,
            Environment = _environment,
            Timestamp = timestamp,
            Key = StateValues.BackgroundKeys[key],
            Op = delete ? StateOperation.Delete : StateOperation.Set,
            Value = delete ? default : StateValues.BackgroundValue(key, choice),
            Segment = segment,
            StateVersion = BumpStateVersion(),
        };
    }

    /// <summary>Set once the agent's runtime has applied a rollback: its injected drifts stop from then on.</summary>
    public bool RolledBack { get; set; }

    public DecisionEvent Decision(int index, DateTimeOffset timestamp)
    {
        var rng = _rng;
        var profile = _plan.Profile;
        var drift = RolledBack ? default : DriftAt(index);

        var category = PickWeighted(rng, profile.CategoryWeights);
        var channel = PickWeighted(rng, ChannelWeights);
        var u = rng.NextDouble();
        var urgency = u < HighUrgencyByChannel[channel] ? 2 : u < HighUrgencyByChannel[channel] + MediumUrgency ? 1 : 0;

        var outcome = RoutingPolicy.Route(rng, category, urgency);
        if (drift.Misrouting)
        {
            outcome = ApplyMisrouting(rng, _plan.Scenarios, index, category, urgency, channel, outcome);
        }

        var logit = Lerp(ConfidenceLogitMean, DriftedConfidenceLogitMean, drift.Confidence) + ConfidenceLogitSigma * rng.NextGaussian();
        var confidence = Math.Round(1.0 / (1.0 + Math.Exp(-logit)), 3);

        var latencyFactor = 1.0 + drift.Latency;
        var toolCalls = new List<ToolCall>(3);
        var toolLatency = AddToolCalls(rng, toolCalls, category, outcome, latencyFactor);
        var latency = Math.Round(rng.NextLogNormal(ModelLatencyMedianMs, 0.3) * latencyFactor + toolLatency, 1);

        var inputText = TicketText(rng, category, urgency);
        var outputText = rng.Chance(drift.Vocabulary) ? DriftedReply(rng) : Reply(rng, category);

        var sentimentMean = SentimentMean + SentimentCollapseShift * drift.Sentiment
            + (category == 5 ? 0.1 : 0) - (urgency == 2 ? 0.05 : 0);
        var sentiment = Math.Round(Math.Clamp(sentimentMean + SentimentSigma * rng.NextGaussian(), -1, 1), 3);

        var tokensIn = Math.Max(1, 180 + inputText.Length / 4 + (int)Math.Round(6 * rng.NextGaussian()));
        var tokensOut = Math.Max(1, 20 + outputText.Length / 4 + (int)Math.Round(5 * rng.NextGaussian()));

        return new DecisionEvent
        {
            EventId = rng.NextEventId(),
            AgentId = profile.AgentId,
            AgentVersion = profile.AgentVersion,
            Environment = _environment,
            Timestamp = timestamp,
            DecisionName = profile.DecisionName,
            Outcome = outcome,
            Confidence = confidence,
            InputText = inputText,
            InputFeatures = new Dictionary<string, string>(3)
            {
                [Catalog.Category] = Catalog.Categories[category],
                [Catalog.Urgency] = Catalog.Urgencies[urgency],
                [Catalog.Channel] = Catalog.Channels[channel],
            },
            OutputText = outputText,
            Sentiment = sentiment,
            ToolCalls = toolCalls,
            Metrics = new Dictionary<string, double>(3)
            {
                ["latency_ms"] = latency,
                ["tokens_in"] = tokensIn,
                ["tokens_out"] = tokensOut,
            },
            Labels = new Dictionary<string, string>(2)
            {
                ["model"] = rng.Chance(0.9) ? profile.Model : profile.FallbackModel,
                ["prompt_version"] = profile.PromptVersion,
            },
            StateVersion = _stateVersion,
        };
    }

    /// <summary>Strength per drift kind at this decision; several scenarios of one kind take the strongest.</summary>
    private DriftLevels DriftAt(int index)
    {
        var levels = default(DriftLevels);
        foreach (var planned in _plan.Scenarios)
        {
            var s = planned.StrengthAt(index);
            if (s <= 0)
            {
                continue;
            }

            switch (planned.Scenario.Kind)
            {
                case DriftKind.Misrouting:
                    // Misrouting strength depends on the input segment, so it is resolved per decision.
                    levels.Misrouting = true;
                    break;
                case DriftKind.SentimentCollapse:
                    levels.Sentiment = Math.Max(levels.Sentiment, s);
                    break;
                case DriftKind.NewReplyVocabulary:
                    levels.Vocabulary = Math.Max(levels.Vocabulary, s);
                    break;
                case DriftKind.LatencyCreep:
                    levels.Latency = Math.Max(levels.Latency, s);
                    break;
                case DriftKind.ConfidenceDrop:
                    levels.Confidence = Math.Max(levels.Confidence, s);
                    break;
            }
        }

        return levels;
    }

    private static string ApplyMisrouting(
        SimRandom rng, PlannedScenario[] scenarios, int index, int category, int urgency, int channel, string outcome)
    {
        var preferred = RoutingPolicy.Preferred(category, urgency);
        if (outcome != preferred)
        {
            return outcome;
        }

        var strength = 0.0;
        foreach (var planned in scenarios)
        {
            if (planned.Scenario.Kind == DriftKind.Misrouting && InSegment(planned.Scenario.Segment, category, urgency, channel))
            {
                strength = Math.Max(strength, planned.StrengthAt(index));
            }
        }

        return strength > 0 && rng.Chance(RoutingPolicy.MisroutedShare * strength)
            ? RoutingPolicy.Misroute(rng, preferred)
            : outcome;
    }

    private static bool InSegment(KeyValuePair<string, string> segment, int category, int urgency, int channel) => segment.Key switch
    {
        Catalog.Category => Catalog.Categories[category] == segment.Value,
        Catalog.Urgency => Catalog.Urgencies[urgency] == segment.Value,
        Catalog.Channel => Catalog.Channels[channel] == segment.Value,
        _ => false,
    };

    private static double AddToolCalls(SimRandom rng, List<ToolCall> calls, int category, string outcome, double factor)
    {
        // Probabilities of lookup_order, search_kb, issue_refund per category (index-aligned with Catalog.Categories).
        ReadOnlySpan<double> lookup = [0.50, 0.00, 0.05, 0.90, 0.80, 0.00];
        ReadOnlySpan<double> search = [0.10, 0.85, 0.40, 0.05, 0.10, 0.10];
        ReadOnlySpan<double> refund = [0.25, 0.00, 0.00, 0.05, 0.35, 0.00];
        var total = 0.0;
        if (rng.Chance(lookup[category]))
        {
            total += AddCall(rng, calls, "lookup_order", 150, factor);
        }

        if (rng.Chance(search[category]))
        {
            total += AddCall(rng, calls, "search_kb", 200, factor);
        }

        if (rng.Chance(refund[category]))
        {
            total += AddCall(rng, calls, "issue_refund", 280, factor);
        }

        if (rng.Chance(outcome == Catalog.Escalations ? 0.9 : 0.15))
        {
            total += AddCall(rng, calls, "create_ticket", 110, factor);
        }

        return total;
    }

    private static double AddCall(SimRandom rng, List<ToolCall> calls, string name, double medianMs, double factor)
    {
        var error = rng.Chance(0.03);
        var latency = Math.Round(rng.NextLogNormal(medianMs, 0.4) * factor * (error ? 3 : 1), 1);
        calls.Add(new ToolCall(name, error ? "error" : "ok", latency));
        return latency;
    }

    private string TicketText(SimRandom rng, int category, int urgency)
    {
        var text = _text.Clear();
        if (urgency == 2)
        {
            text.Append(rng.Pick(Texts.UrgentPrefixes));
        }

        var phrase = rng.Pick(Texts.TicketPhrases[category]);
        var hash = phrase.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            text.Append(phrase);
        }
        else
        {
            text.Append(phrase, 0, hash + 1)
                .Append((10_000 + rng.Next(90_000)).ToString(CultureInfo.InvariantCulture))
                .Append(phrase, hash + 1, phrase.Length - hash - 1);
        }

        return text.Append(rng.Pick(Texts.TicketSuffixes)).ToString();
    }

    private string Reply(SimRandom rng, int category) =>
        _text.Clear()
            .Append(rng.Pick(Texts.Greetings)).Append(". ")
            .Append(rng.Pick(Texts.ReplyBodies[category])).Append(". ")
            .Append(rng.Pick(Texts.Closings)).Append('.')
            .ToString();

    private string DriftedReply(SimRandom rng) =>
        _text.Clear()
            .Append(rng.Pick(Texts.DriftedGreetings)).Append(". ")
            .Append(rng.Pick(Texts.DriftedBodies)).Append(". ")
            .Append(rng.Pick(Texts.DriftedClosings)).Append('.')
            .ToString();

    private string BumpStateVersion()
    {
        _stateNumber++;
        _stateVersion = FleetPlan.StateVersion(_stateNumber);
        return _stateVersion;
    }

    private static int PickWeighted(SimRandom rng, double[] weights)
    {
        var u = rng.NextDouble();
        for (var i = 0; i < weights.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private static double Lerp(double from, double to, double t) => from + (to - from) * t;

    private struct DriftLevels
    {
        public bool Misrouting;
        public double Sentiment;
        public double Vocabulary;
        public double Latency;
        public double Confidence;
    }
}
