using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Sync;

/// <summary>
/// State sync on real parts: two sample runtimes of one agent (production and staging) publish decisions and
/// state changes to Kafka; the recording is planned and applied with the real <c>driftwatch sync</c> commands;
/// the sync command travels over the Kafka control topic to the staging runtime, which applies it; the
/// recording after the sync is compared with the real <c>driftwatch compare</c>.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StateSyncLoopTests(KafkaEnvironment kafka) : IDisposable
{
    private const string Agent = "support-router";
    private const string RoutingFeature = "decision.outcome|input.features.urgency=high";
    private const int DecisionsPerPhase = 1500;
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-sync-loop-").FullName;

    [Fact]
    public async Task SyncApply_RoutingFeatureOverKafka_CompareDropsBelowThresholdAndTheKeptKeyStaysDifferent()
    {
        var events = await kafka.CreateTopicAsync("sync-events", partitions: 1);
        var control = await kafka.CreateTopicAsync("sync-control", partitions: 1);
        var auditTopic = await kafka.CreateTopicAsync("sync-audit", partitions: 1);
        var auditFile = Path.Combine(_directory, "audit.jsonl");
        using var stop = new CancellationTokenSource();
        await using var production = new Runtime(kafka.BootstrapServers, events, control, "production", stop.Token);
        await using var staging = new Runtime(kafka.BootstrapServers, events, control, "staging", stop.Token);

        foreach (var runtime in new[] { production, staging })
        {
            foreach (var (key, value) in new[] { ("route/default", "general"), ("route/urgency=high", "escalations"), ("route/urgency=low", "self-service"), ("memory/greeting", "hello") })
            {
                await runtime.SetAsync(key, value);
            }
        }

        // Staging learned two things: a routing change (to be synced away) and a new greeting (to be kept).
        await staging.SetAsync("route/urgency=high", "general");
        await staging.SetAsync("memory/greeting", "hi there");
        Decide(production, staging, seed: 1);
        var before = await RecordAsync(events, 0, 10 + 2 * DecisionsPerPhase, "before.jsonl");

        var compareBefore = await CompareAsync(before, "compare-before.json");
        Assert.True(compareBefore[RoutingFeature], "the routing drift must be significant before the sync");

        var plan = await RunJsonAsync(["sync", "plan", "--input", before, "--agent", Agent, "--from", "production", "--to", "staging", "--format", "json", "--output", Path.Combine(_directory, "plan.json")], "plan.json");
        Assert.Equal(["memory/greeting", "route/urgency=high"], plan["differences"]!.AsArray().Select(static d => d!["key"]!.GetValue<string>()));
        var routing = plan["differences"]!.AsArray().Single(static d => d!["key"]!.GetValue<string>() == "route/urgency=high")!;
        Assert.Contains(RoutingFeature, routing["linked_features"]!.AsArray().Select(static f => f!.GetValue<string>()));

        string[] apply = ["sync", "apply", "--input", before, "--agent", Agent, "--from", "production", "--to", "staging", "--feature", RoutingFeature, "--execute", "--bootstrap-servers", kafka.BootstrapServers, "--control-topic", control, "--audit-file", auditFile];
        var environment = new Dictionary<string, string> { ["DRIFTWATCH_Api__Rollback__AuditTopic"] = auditTopic };
        var applied = await RunAsync(apply, environment);
        Assert.Contains("executed", applied, StringComparison.Ordinal);

        var result = await staging.Applied.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["route/urgency=high"], result.Reverted.Select(static c => c.Key));
        await staging.Published.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("\"escalations\"", staging.Policy.Get("route/urgency=high"));
        Assert.Equal("\"hi there\"", staging.Policy.Get("memory/greeting"));
        Assert.False(production.Applied.Task.IsCompleted);

        Decide(production, staging, seed: 2);
        var after = await RecordAsync(events, 10 + 2 * DecisionsPerPhase, 1 + 2 * DecisionsPerPhase, "after.jsonl");
        var all = await RecordAsync(events, 0, 11 + 4 * DecisionsPerPhase, "all.jsonl");

        var compareAfter = await CompareAsync(after, "compare-after.json");
        Assert.False(compareAfter[RoutingFeature], "the synced routing must no longer differ");
        var kept = await RunJsonAsync(["sync", "plan", "--input", all, "--agent", Agent, "--from", "production", "--to", "staging", "--format", "json", "--output", Path.Combine(_directory, "kept.json")], "kept.json");
        Assert.Equal(["memory/greeting"], kept["differences"]!.AsArray().Select(static d => d!["key"]!.GetValue<string>()));

        // The same sync again: the audit trail knows it, nothing is published, the runtime applied it once.
        var again = await RunAsync(apply, environment);
        Assert.Contains("duplicate", again, StringComparison.Ordinal);
        var trail = await File.ReadAllLinesAsync(auditFile);
        Assert.Single(trail, static l => l.Contains("\"kind\":\"execution\"", StringComparison.Ordinal));
        Assert.Equal(1, staging.AppliedCount);

        await stop.CancelAsync();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void Decide(Runtime production, Runtime staging, int seed)
    {
        var random = new Random(seed);
        string[] urgencies = ["low", "normal", "high"];
        string[] categories = ["invoice", "outage", "account", "feature"];
        for (var n = 0; n < DecisionsPerPhase; n++)
        {
            foreach (var runtime in new[] { production, staging })
            {
                var ticket = new Ticket("my order is late", categories[random.Next(categories.Length)], urgencies[random.Next(urgencies.Length)], "email");
                Assert.True(runtime.Io.PublishDecision(AgentEvents.Decision(runtime.Policy, runtime.Policy.Decide(ticket), runtime.Environment)));
            }
        }
    }

    /// <summary>Messages <paramref name="skip"/> .. <paramref name="skip"/> + <paramref name="count"/> of the topic as a JSONL recording.</summary>
    private async Task<string> RecordAsync(string topic, int skip, int count, string name)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, string>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"recorder-{Guid.NewGuid():N}",
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var lines = new List<string>(count);
        var seen = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (lines.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(250))?.Message is { } message && seen++ >= skip)
            {
                lines.Add(message.Value);
            }
        }

        consumer.Close();
        Assert.True(lines.Count == count, $"{name}: {lines.Count} of {count} messages");
        var path = Path.Combine(_directory, name);
        await File.WriteAllLinesAsync(path, lines);
        return path;
    }

    /// <summary>Per feature, whether <c>driftwatch compare</c> finds staging significantly different from production.</summary>
    private async Task<Dictionary<string, bool>> CompareAsync(string input, string name)
    {
        var diff = await RunJsonAsync(["compare", "--input", input, "--agent", Agent, "--format", "json", "--output", Path.Combine(_directory, name)], name);
        return diff["changes"]!.AsArray().ToDictionary(static c => c!["feature"]!.GetValue<string>(), static c => c!["significant"]!.GetValue<bool>());
    }

    private async Task<JsonObject> RunJsonAsync(string[] arguments, string output)
    {
        await RunAsync(arguments);
        return JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, output)))!.AsObject();
    }

    private static async Task<string> RunAsync(string[] arguments, IDictionary<string, string>? environment = null)
    {
        using var process = DriftWatchProcess.Start(arguments, environment);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.True(exit == 0, $"driftwatch {string.Join(' ', arguments)} exited {exit}:\n{process.Output}");
        return process.Output;
    }

    /// <summary>One sample runtime of the agent in one environment, listening on the control topic.</summary>
    private sealed class Runtime : IAsyncDisposable
    {
        private readonly Task _listening;
        private int _applied;

        public Runtime(string bootstrap, string events, string control, string environment, CancellationToken stop)
        {
            Environment = environment;
            var options = new SampleAgentOptions { BootstrapServers = bootstrap, DecisionTopic = events, StateTopic = events, ControlTopic = control, Environment = environment };
            Policy = new RoutingPolicyRuntime(Agent, options.AgentVersion, TimeProvider.System, environment);
            Io = new KafkaAgentIo(options, NullLogger.Instance);
            var handler = new RollbackHandler(Policy, NullLogger.Instance);
            var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Published = published.Task;
            handler.Reverted += result =>
            {
                Interlocked.Increment(ref _applied);
                Applied.TrySetResult(result);
                // As the sample agent's Program does: the changes go out as state events.
                _ = Task.Run(async () =>
                {
                    foreach (var change in result.Reverted)
                    {
                        await Io.PublishStateAsync(AgentEvents.State(Policy, change, Environment), CancellationToken.None);
                    }

                    published.TrySetResult();
                });
            };
            _listening = Io.ListenForCommandsAsync(handler, stop);
        }

        public string Environment { get; }

        public RoutingPolicyRuntime Policy { get; }

        public KafkaAgentIo Io { get; }

        public TaskCompletionSource<RollbackApplied> Applied { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Published { get; }

        public int AppliedCount => Volatile.Read(ref _applied);

        public Task SetAsync(string key, string value) =>
            Io.PublishStateAsync(AgentEvents.State(Policy, Policy.Set(key, JsonValue.Create(value)), Environment), CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _listening.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // A listener still blocked at the end must not hide the test's own result.
            }

            await Io.DisposeAsync();
        }
    }
}
