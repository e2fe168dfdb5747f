using DriftWatch.Core.Events;

namespace DriftWatch.Benchmarks;

/// <summary>Seeded support-router decision events shaped like the contract example.</summary>
internal static class SyntheticEvents
{
    private static readonly string[] Urgencies = ["low", "medium", "high"];
    private static readonly string[] Categories = ["billing", "invoice", "shipping", "account", "technical"];
    private static readonly string[] Channels = ["email", "chat", "phone"];
    private static readonly string[] Outcomes = ["billing", "general", "technical", "escalate"];
    private static readonly string[] Words = ["thanks", "for", "reaching", "out", "we", "have", "updated", "your", "ticket", "a", "specialist", "will", "follow", "up", "shortly", "order", "refund", "charged", "twice", "invoice"];

    public static DecisionEvent[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var events = new DecisionEvent[count];
        for (var i = 0; i < count; i++)
        {
            events[i] = new DecisionEvent
            {
                EventId = $"evt-{i:D8}",
                AgentId = "support-router",
                AgentVersion = "2026.02.1",
                Timestamp = start.AddMilliseconds(250.0 * i),
                DecisionName = "route",
                Outcome = Outcomes[random.Next(Outcomes.Length)],
                Confidence = random.NextDouble(),
                InputText = Sentence(random, 8),
                InputFeatures = new Dictionary<string, string>
                {
                    ["urgency"] = Urgencies[random.Next(Urgencies.Length)],
                    ["category"] = Categories[random.Next(Categories.Length)],
                    ["channel"] = Channels[random.Next(Channels.Length)],
                },
                OutputText = Sentence(random, 14),
                Sentiment = random.NextDouble() * 2 - 1,
                ToolCalls = [new ToolCall("lookup_order", "ok", random.NextDouble() * 300)],
                Metrics = new Dictionary<string, double>
                {
                    ["latency_ms"] = 200 + random.NextDouble() * 800,
                    ["tokens_in"] = random.Next(40, 120),
                    ["tokens_out"] = random.Next(80, 200),
                },
                Labels = new Dictionary<string, string> { ["model"] = "m-large", ["prompt_version"] = "v12" },
                StateVersion = $"mem-{i / 5_000:D6}",
            };
        }

        return events;
    }

    private static string Sentence(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));
}
