using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>The behaviour changes the generator can inject; they combine.</summary>
[Flags]
public enum InjectedDrift
{
    None = 0,
    MisroutingHighUrgency = 1,
    SentimentCollapse = 2,
    NewReplyVocabulary = 4,
    LatencyCreep = 8,
    ConfidenceDrop = 16,
}

/// <summary>
/// A small seeded generator of support-router decision events with realistic structure (outcome depends on
/// urgency, replies drawn from a phrase vocabulary) and optional injected drift.
/// </summary>
internal sealed class DecisionEventGenerator
{
    public const string Agent = "support-router";
    public const string Environment = "production";
    public const string Decision = "route";

    private static readonly string[] Urgencies = ["low", "medium", "high"];
    private static readonly double[] UrgencyWeights = [0.4, 0.35, 0.25];
    private static readonly string[] Categories = ["billing", "invoice", "shipping", "account", "technical"];
    private static readonly string[] Channels = ["email", "chat", "phone"];
    private static readonly string[] Outcomes = ["billing", "general", "technical", "escalate"];
    private static readonly double[] HighUrgencyOutcomes = [0.15, 0.12, 0.12, 0.61];
    private static readonly double[] MisroutedHighUrgencyOutcomes = [0.15, 0.55, 0.12, 0.18];
    private static readonly double[] OtherOutcomes = [0.35, 0.35, 0.25, 0.05];
    private static readonly string[] InputWords = ["i", "was", "charged", "twice", "my", "order", "has", "not", "arrived", "cannot", "log", "in", "please", "help", "refund", "invoice", "password", "account", "package", "late"];
    private static readonly string[] ReplyWords = ["thanks", "for", "reaching", "out", "we", "have", "updated", "your", "ticket", "a", "specialist", "will", "follow", "up", "shortly", "order", "status", "is", "here", "the"];
    private static readonly string[] NewReplyWords = ["unfortunately", "voucher", "compensation", "apologise", "inconvenience", "policy", "cannot", "offer", "credit", "sincerely", "regret", "we", "your", "the", "a", "is"];

    private readonly Random _random;
    private readonly InjectedDrift _drift;
    private readonly string _environment;
    private long _sequence;

    public DecisionEventGenerator(int seed, InjectedDrift drift = InjectedDrift.None, string environment = Environment)
    {
        _random = new Random(seed);
        _drift = drift;
        _environment = environment;
    }

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public IEnumerable<DecisionEvent> Generate(int count, DateTimeOffset start, TimeSpan spacing)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Next(start + spacing * i, progress: (double)i / count);
        }
    }

    public DecisionEvent Next(DateTimeOffset timestamp, double progress)
    {
        var urgency = Pick(Urgencies, UrgencyWeights);
        var outcomeWeights = urgency == "high"
            ? _drift.HasFlag(InjectedDrift.MisroutingHighUrgency) ? MisroutedHighUrgencyOutcomes : HighUrgencyOutcomes
            : OtherOutcomes;
        var outcome = Pick(Outcomes, outcomeWeights);
        var confidence = Math.Clamp(Normal(_drift.HasFlag(InjectedDrift.ConfidenceDrop) ? 0.70 : 0.85, 0.06), 0, 1);
        var sentiment = Math.Clamp(Normal(_drift.HasFlag(InjectedDrift.SentimentCollapse) ? -0.35 : 0.30, 0.15), -1, 1);
        var latency = Math.Exp(Normal(Math.Log(520), 0.25));
        if (_drift.HasFlag(InjectedDrift.LatencyCreep))
        {
            latency *= 1.15 + 0.6 * progress;
        }

        var replyWords = _drift.HasFlag(InjectedDrift.NewReplyVocabulary) ? NewReplyWords : ReplyWords;
        _sequence++;
        return new DecisionEvent
        {
            EventId = $"evt-{_sequence:D8}",
            AgentId = Agent,
            AgentVersion = "2026.02.1",
            Environment = _environment,
            Timestamp = timestamp,
            DecisionName = Decision,
            Outcome = outcome,
            Confidence = confidence,
            InputText = Sentence(InputWords, 6 + _random.Next(8)),
            InputFeatures = new Dictionary<string, string>
            {
                ["urgency"] = urgency,
                ["category"] = Categories[_random.Next(Categories.Length)],
                ["channel"] = Channels[_random.Next(Channels.Length)],
            },
            OutputText = Sentence(replyWords, 8 + _random.Next(10)),
            Sentiment = sentiment,
            ToolCalls = _random.NextDouble() < 0.6
                ? [new ToolCall(_random.NextDouble() < 0.7 ? "lookup_order" : "kb_search", _random.NextDouble() < 0.95 ? "ok" : "error", latency * 0.3)]
                : [],
            Metrics = new Dictionary<string, double>
            {
                ["latency_ms"] = latency,
                ["tokens_in"] = 40 + _random.Next(80),
                ["tokens_out"] = 80 + _random.Next(120),
            },
            Labels = new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" },
            StateVersion = $"mem-{100 + (int)(progress * 3):D6}",
        };
    }

    private string Pick(string[] values, double[] weights)
    {
        var u = _random.NextDouble();
        for (var i = 0; i < values.Length - 1; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }

    private double Normal(double mean, double sd)
    {
        // Box-Muller: enough for test data and reproducible from the seed.
        var u1 = 1 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return mean + sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private string Sentence(string[] words, int length)
    {
        var picked = new string[length];
        for (var i = 0; i < length; i++)
        {
            // Zipf-like: early words are more frequent, as in real text.
            var index = (int)(words.Length * Math.Pow(_random.NextDouble(), 1.6));
            picked[i] = words[Math.Min(index, words.Length - 1)];
        }

        return string.Join(' ', picked);
    }
}
