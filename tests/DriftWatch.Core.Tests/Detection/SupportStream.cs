using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Detection;

/// <summary>Kinds of drift the test stream can inject.</summary>
public enum Drift
{
    None,
    MisroutingHighUrgency,
    SentimentCollapse,
    NewReplyVocabulary,
    LatencyCreep,
    ConfidenceDrop,
}

/// <summary>
/// A seeded stream of support-router decisions for detector tests: realistic enough to have segments,
/// text, tool calls and metrics, small enough to read. A drift starts at <see cref="Onset"/> and reaches
/// full strength at once (sudden) or over <see cref="RampEvents"/> events (gradual); it stops at <c>end</c>.
/// </summary>
internal sealed class SupportStream(int seed, Drift drift = Drift.None, int onset = int.MaxValue, int rampEvents = 0, string agentId = "support-router", int end = int.MaxValue)
{
    private static readonly string[] Categories = ["invoice", "refund", "login", "shipping", "other"];
    private static readonly string[] Channels = ["email", "chat", "phone"];
    private static readonly string[] ReplyWords = ["thanks", "for", "reaching", "out", "we", "have", "checked", "your", "account", "and", "will", "follow", "up", "shortly", "the", "team", "is", "on", "it", "sorry", "about", "trouble"];
    private static readonly string[] NewReplyWords = ["per", "policy", "ticket", "closed", "escalation", "denied", "refer", "to", "terms", "section", "automated", "notice", "no", "further", "action"];
    private static readonly string[] InputWords = ["i", "was", "charged", "twice", "cannot", "log", "in", "where", "is", "my", "parcel", "refund", "please", "help", "order", "password", "reset", "invoice", "wrong", "late"];

    private readonly Random _random = new(seed);
    private DateTimeOffset _clock = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private int _index;

    public Drift Kind => drift;

    public int Onset => onset;

    public int RampEvents => rampEvents;

    public IEnumerable<DecisionEvent> Take(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return Next();
        }
    }

    public DecisionEvent Next()
    {
        double strength = Strength(_index);
        _index++;
        _clock = _clock.AddMilliseconds(100 + _random.Next(800));
        string category = Categories[Pick([0.3, 0.2, 0.2, 0.2, 0.1])];
        string urgency = Pick([0.55, 0.33, 0.12]) switch { 0 => "low", 1 => "medium", _ => "high" };
        string channel = Channels[Pick([0.5, 0.35, 0.15])];
        string outcome = Outcome(category, urgency, drift == Drift.MisroutingHighUrgency ? strength : 0);
        double confidence = Math.Clamp(Normal(drift == Drift.ConfidenceDrop ? 0.86 - (0.2 * strength) : 0.86, 0.06), 0, 1);
        double sentiment = Math.Clamp(Normal(drift == Drift.SentimentCollapse ? 0.3 - (0.7 * strength) : 0.3, 0.2), -1, 1);
        double latency = Math.Exp(Normal(6.3, 0.25)) * (drift == Drift.LatencyCreep ? 1 + (0.6 * strength) : 1);
        bool newWords = drift == Drift.NewReplyVocabulary && _random.NextDouble() < strength;
        return new DecisionEvent
        {
            EventId = $"{agentId}-{_index}",
            AgentId = agentId,
            AgentVersion = "2026.02.1",
            Timestamp = _clock,
            DecisionName = "route",
            Outcome = outcome,
            Confidence = confidence,
            InputText = Sentence(InputWords, 4 + _random.Next(6)),
            InputFeatures = new Dictionary<string, string> { ["category"] = category, ["urgency"] = urgency, ["channel"] = channel },
            OutputText = Sentence(newWords ? NewReplyWords : ReplyWords, 6 + _random.Next(8)),
            Sentiment = sentiment,
            ToolCalls = [new ToolCall(category is "refund" or "invoice" ? "lookup_order" : "lookup_account", _random.NextDouble() < 0.96 ? "ok" : "error", Math.Exp(Normal(5, 0.3)))],
            Metrics = new Dictionary<string, double> { ["latency_ms"] = latency, ["tokens_in"] = 40 + _random.Next(60), ["tokens_out"] = 100 + _random.Next(120) },
            Labels = new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" },
        };
    }

    private double Strength(int index)
    {
        if (index < onset || index >= end)
        {
            return 0;
        }

        return rampEvents <= 0 ? 1 : Math.Min(1, (index - onset + 1) / (double)rampEvents);
    }

    private string Outcome(string category, string urgency, double misrouting)
    {
        if (urgency == "high")
        {
            // Escalations 61% -> 18% under misrouting; the difference goes to billing.
            double escalate = 0.61 - (0.43 * misrouting);
            return _random.NextDouble() < escalate ? "escalate" : (_random.NextDouble() < 0.5 + (0.5 * misrouting) ? "billing" : "tech");
        }

        double u = _random.NextDouble();
        return category switch
        {
            "invoice" or "refund" => u < 0.85 ? "billing" : (u < 0.95 ? "escalate" : "tech"),
            "login" => u < 0.9 ? "tech" : "escalate",
            "shipping" => u < 0.88 ? "logistics" : "escalate",
            _ => u < 0.5 ? "tech" : (u < 0.8 ? "billing" : "logistics"),
        };
    }

    private int Pick(double[] weights)
    {
        double u = _random.NextDouble();
        for (int i = 0; i < weights.Length - 1; i++)
        {
            if ((u -= weights[i]) < 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }

    private double Normal(double mean, double sd)
    {
        double u1 = 1 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return mean + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    private string Sentence(string[] words, int length)
    {
        var picked = new string[length];
        for (int i = 0; i < length; i++)
        {
            picked[i] = words[_random.Next(words.Length)];
        }

        return string.Join(' ', picked);
    }
}
