using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Replay;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Kafka.State;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.State;

[Collection(KafkaCollection.Name)]
public sealed class DurableStateTests(KafkaEnvironment kafka) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-state-").FullName;

    [Fact]
    public async Task RunAsync_StoppedMidStreamAndRestartedWithNewMonitor_RestoresStateAndAlertsExactlyAsOneUninterruptedRun()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        var topics = await TopicsAsync();
        int split = scenario.OnsetIndex + 300;
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[..split]);
        string group = $"g-{Guid.NewGuid():N}";

        var first = CreatePipeline(topics, group, out _);
        using (var stop = new CancellationTokenSource())
        {
            var run = first.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => first.Statistics.Committed >= split, Patience, "the first run to pass the drift onset");
            await stop.CancelAsync();
            await run;
        }

        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[split..]);
        Assert.True(first.Statistics.Checkpoints > 0, "the first run wrote no checkpoint");
        var second = CreatePipeline(topics, group, out var detector);
        // Until its partitions are assigned and restored, the rollback catalog must not call an agent unknown.
        var catalog = new Api.Rollback.MonitorBaselineCatalog(detector, second.LoadCheckpoint, () => second.StateRestored);
        Assert.False(catalog.Complete);
        using (var stop = new CancellationTokenSource())
        {
            var run = second.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => second.Statistics.Committed >= scenario.Messages.Count - split, Patience, "every message to be committed");
            Assert.True(catalog.Complete, "the catalog still waits for state after every message was processed");
            await stop.CancelAsync();
            await run;
        }

        Assert.True(3 == second.RestoredAgents, $"restored {second.RestoredAgents}, skipped {second.SkippedEvents}, first wrote {first.Statistics.Checkpoints} checkpoints, committed {first.Statistics.Committed}, second committed {second.Statistics.Committed}");
        Assert.True(detector.IsArmed(new Core.Events.BehaviourKey("support-router", "production", "route")));
        var alerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(2));
        Assert.NotEmpty(scenario.ExpectedAlerts);
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), alerts.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ShardedDetectionStoppedMidStreamAndRestartedWithOtherShardCount_AlertsExactlyAsOneUninterruptedRun()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        var topics = await TopicsAsync();
        int split = scenario.OnsetIndex + 300;
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[..split]);
        string group = $"g-{Guid.NewGuid():N}";

        var first = CreatePipeline(topics, group, out _, shards: 3);
        using (var stop = new CancellationTokenSource())
        {
            var run = first.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => first.Statistics.Committed >= split, Patience, "the first run to pass the drift onset");
            await stop.CancelAsync();
            await run;
        }

        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[split..]);
        Assert.True(first.Statistics.Checkpoints > 0, "the first run wrote no checkpoint");
        var second = CreatePipeline(topics, group, out _, shards: 2);
        using (var stop = new CancellationTokenSource())
        {
            var run = second.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => second.Statistics.Committed >= scenario.Messages.Count - split, Patience, "every message to be committed");
            await stop.CancelAsync();
            await run;
        }

        Assert.Equal(3, second.RestoredAgents);
        var alerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(2));
        Assert.NotEmpty(scenario.ExpectedAlerts);
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), alerts.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CorruptCheckpointOnTheChangelog_LogsTheAgentRelearnsAndProcessesEverything()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 5_000, agents: 2);
        var topics = await TopicsAsync();
        // Garbage, a truncated record and an unknown format version, for one agent, on every changelog partition.
        var valid = DetectionStack();
        valid.Observe(TestEvents.Decision(1));
        byte[] unit = valid.CheckpointAgentUnit("support-router", null)!;
        byte[] future = [.. unit];
        future[4] = 42;
        var corrupt = new[] { "not a checkpoint"u8.ToArray(), unit[..(unit.Length / 2)], future };
        using (var producer = KafkaProducerFactory.Create(kafka.BootstrapServers, "corrupter"))
        {
            for (int partition = 0; partition < 3; partition++)
            {
                var value = corrupt[partition];
                await producer.ProduceAsync(
                    new Confluent.Kafka.TopicPartition(topics.State, partition),
                    new Confluent.Kafka.Message<byte[]?, byte[]> { Key = "support-router"u8.ToArray(), Value = value });
            }
        }

        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages);
        var logs = new CapturingLoggerProvider();
        var pipeline = CreatePipeline(topics, $"g-{Guid.NewGuid():N}", out var detector, logs);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= scenario.Messages.Count, Patience, "every message to be committed");
        await stop.CancelAsync();
        await run;

        Assert.Equal(1, pipeline.RestoreFailures);
        Assert.Contains(logs.Messages, m => m.Contains("support-router", StringComparison.Ordinal) && m.Contains("re-learns", StringComparison.Ordinal));
        Assert.True(detector.IsArmed(new Core.Events.BehaviourKey("support-router", "production", "route")), "the agent did not re-learn its reference");
    }

    [Fact]
    public async Task RunAsync_WithoutStateTopic_WarnsAndStillProcessesEverything()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 600, agents: 2);
        var topics = await TopicsAsync() with { State = $"absent-{Guid.NewGuid():N}" };
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages);

        var pipeline = CreatePipeline(topics, $"g-{Guid.NewGuid():N}", out _);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        await TestEvents.WaitUntilAsync(() => pipeline.Statistics.Committed >= scenario.Messages.Count, Patience, "every message to be committed");
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, pipeline.Statistics.Checkpoints);
        Assert.Equal(0, pipeline.RestoredAgents);
        Assert.True(pipeline.StateRestored, "without a changelog there is nothing to wait for");
    }

    [Fact]
    public async Task Run_KilledFiveTimesDuringADrift_AlertsTheDriftOnceLosesNothingAndMatchesOneUninterruptedRun()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        var topics = await TopicsAsync();
        var control = await kafka.CreateTopicAsync("control", partitions: 1);
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages);
        var record = Path.Combine(_directory, "processed.jsonl");
        var auditFile = Path.Combine(_directory, "audit.jsonl");
        string[] arguments = ["run", "--bootstrap-servers", kafka.BootstrapServers, "--topic", topics.Decisions, "--group-id", $"g-{Guid.NewGuid():N}", "--record", record, "--log-level", "Information"];
        int port = FreePort();
        var environment = ProcessEnvironment(topics);
        environment["DRIFTWATCH_Api__Url"] = $"http://127.0.0.1:{port}";
        environment["DRIFTWATCH_Api__BearerToken"] = Token;
        environment["DRIFTWATCH_Api__Rollback__AllowedAgents__0"] = "support-router";
        environment["DRIFTWATCH_Api__Rollback__ControlTopic"] = control;
        environment["DRIFTWATCH_Api__Rollback__AuditFilePath"] = auditFile;

        // Four kills before the onset, the last one after it.
        int total = scenario.Messages.Count;
        int[] killAt = [total / 10, total / 5, total * 3 / 10, total * 2 / 5, scenario.OnsetIndex + ((total - scenario.OnsetIndex) / 3)];
        foreach (int target in killAt)
        {
            using var run = DriftWatchProcess.Start(arguments, environment);
            await TestEvents.WaitUntilAsync(() => run.HasExited || RecordedIds(record).Count >= target, Patience, $"{target} recorded events:\n{run.Output}");
            Assert.False(run.HasExited, run.Output);
            run.Kill();
        }

        JsonElement driftAlert;
        using (var last = DriftWatchProcess.Start(arguments, environment))
        {
            await TestEvents.WaitUntilAsync(() => last.HasExited || (RecordedIds(record).Count >= total && Restored(last)), Patience, $"every event to be recorded:\n{last.Output}");
            await Task.Delay(1500); // let the results of the last events reach the alerts topic
            driftAlert = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(1))
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())
                .First(a => a.GetProperty("feature").GetString() == "decision.outcome|input.features.urgency=high");

            // The rollback plan, made by an instance that restarted after the onset, targets the pre-drift version.
            using var response = await PostAlertAsync(port, driftAlert);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{last.Output}");
            var exit = await last.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"graceful stop exited {exit}:\n{last.Output}");
        }

        Assert.NotNull(scenario.PreDriftStateVersion);
        Assert.NotEqual(scenario.PreDriftStateVersion, scenario.CausalStateVersion);
        var plan = AuditRecords(auditFile).Single(r => r.GetProperty("kind").GetString() == "plan");
        Assert.Equal(scenario.PreDriftStateVersion, plan.GetProperty("command").GetProperty("target").GetProperty("state_version").GetString());

        // The same alert replayed to a restarted instance is a duplicate, not a second rollback.
        environment["DRIFTWATCH_Api__Url"] = $"http://127.0.0.1:{port = FreePort()}";
        using (var restarted = DriftWatchProcess.Start(arguments, environment))
        {
            await TestEvents.WaitUntilAsync(() => restarted.HasExited || (PortAnswers(port) && Restored(restarted)), Patience, $"the API to listen and state to be restored:\n{restarted.Output}");
            using var again = await PostAlertAsync(port, driftAlert);
            Assert.True(again.IsSuccessStatusCode, $"{(int)again.StatusCode}: {await again.Content.ReadAsStringAsync()}\n{restarted.Output}");
            Assert.Equal(0, await restarted.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        var records = AuditRecords(auditFile);
        Assert.Single(records, r => r.GetProperty("kind").GetString() == "execution");
        Assert.Contains(records, r => r.GetProperty("kind").GetString() == "decision" && r.GetProperty("decision").GetString() == "duplicate");

        Assert.True(RecordedIds(record).SetEquals(scenario.EventIds), "recorded events differ from produced events");
        var alerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(2));
        var distinct = alerts.Distinct().ToList();
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), distinct.Order(StringComparer.Ordinal));
        var drift = distinct
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(a => a.GetProperty("agent_id").GetString() == "support-router"
                && a.GetProperty("feature").GetString() == "decision.outcome|input.features.urgency=high")
            .ToList();
        Assert.Single(drift);

        // Incident grouping is checkpointed with the behaviour: the kills split no incident and rename none.
        var incidents = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(1), incidents: true);
        Assert.NotEmpty(scenario.ExpectedIncidentIds);
        Assert.Equal(scenario.ExpectedIncidentIds, DurableStateScenario.IncidentIds(incidents));
    }

    [Fact]
    public async Task Run_TwoInstancesOneKilledMidDrift_SurvivorRestoresTheAgentsAndAlertsAsOneUninterruptedRun()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        var topics = await TopicsAsync();
        string group = $"g-{Guid.NewGuid():N}";
        var environment = ProcessEnvironment(topics);
        string RecordOf(string name) => Path.Combine(_directory, $"{name}.jsonl");
        string[] Arguments(string name) => ["run", "--bootstrap-servers", kafka.BootstrapServers, "--topic", topics.Decisions, "--group-id", group, "--record", RecordOf(name), "--log-level", "Information"];

        using var a = DriftWatchProcess.Start(Arguments("a"), environment);
        using var b = DriftWatchProcess.Start(Arguments("b"), environment);
        await TestEvents.WaitUntilAsync(() => a.HasExited || b.HasExited || (Assigned(a) && Assigned(b)), Patience, $"both instances to get partitions:\nA:\n{a.Output}\nB:\n{b.Output}");

        // Up to just after the onset, with both instances sharing the partitions.
        int split = scenario.OnsetIndex + 100;
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[..split]);
        await TestEvents.WaitUntilAsync(() => RecordedIds(RecordOf("a")).Count + RecordedIds(RecordOf("b")).Count >= split, Patience, "the first part to be processed");
        bool aOwnsRouter = RecordedAgents(RecordOf("a")).Contains("support-router");
        var (owner, survivor, survivorName) = aOwnsRouter ? (a, b, "b") : (b, a, "a");
        Assert.DoesNotContain("support-router", RecordedAgents(RecordOf(survivorName)));
        owner.Kill();

        // The rest goes to the survivor once the group notices (session timeout) and hands the partitions over.
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages[split..]);
        await TestEvents.WaitUntilAsync(() => survivor.HasExited || RecordedAgents(RecordOf(survivorName)).Contains("support-router") && RecordedIds(RecordOf("a")).Union(RecordedIds(RecordOf("b"))).Count() >= scenario.Messages.Count, Patience, $"the survivor to take over:\n{survivor.Output}");
        await Task.Delay(1500);
        Assert.Equal(0, await survivor.TerminateAsync(TimeSpan.FromSeconds(60)));

        var alerts = DurableStateScenario.ReadTopic(kafka.BootstrapServers, topics.Alerts, TimeSpan.FromSeconds(2));
        Assert.Equal(scenario.ExpectedAlerts.Order(StringComparer.Ordinal), alerts.Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(" agent(s) from ", survivor.Output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static bool Assigned(DriftWatchProcess process) => process.Output.Contains("Assigned ", StringComparison.Ordinal);

    private static HashSet<string> RecordedAgents(string path)
    {
        var agents = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return agents;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                agents.Add(JsonDocument.Parse(line).RootElement.GetProperty("agent_id").GetString()!);
            }
        }

        return agents;
    }

    private const string Token = "state-test-token";

    private static async Task<HttpResponseMessage> PostAlertAsync(int port, JsonElement alert)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        var labels = new System.Text.Json.Nodes.JsonObject
        {
            ["alertname"] = "DriftWatchDrift",
            ["agent_id"] = alert.GetProperty("agent_id").GetString(),
            ["environment"] = alert.GetProperty("environment").GetString(),
            ["decision"] = alert.GetProperty("decision").GetString(),
            ["feature"] = alert.GetProperty("feature").GetString(),
        };
        var payload = new System.Text.Json.Nodes.JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "{}:{alertname=\"DriftWatchDrift\"}",
            ["status"] = "firing",
            ["receiver"] = "driftwatch",
            ["groupLabels"] = new System.Text.Json.Nodes.JsonObject { ["alertname"] = "DriftWatchDrift" },
            ["commonLabels"] = labels.DeepClone(),
            ["commonAnnotations"] = new System.Text.Json.Nodes.JsonObject(),
            ["externalURL"] = "http://alertmanager:9093",
            ["alerts"] = new System.Text.Json.Nodes.JsonArray
            {
                new System.Text.Json.Nodes.JsonObject
                {
                    ["status"] = "firing",
                    ["labels"] = labels,
                    ["annotations"] = new System.Text.Json.Nodes.JsonObject(),
                    ["startsAt"] = alert.GetProperty("detected_at").GetString(),
                    ["endsAt"] = "0001-01-01T00:00:00Z",
                    ["generatorURL"] = "http://prometheus:9090/graph",
                    ["fingerprint"] = "5ca1ab1e00000001",
                },
            },
        }.ToJsonString();
        return await http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), new StringContent(payload, System.Text.Encoding.UTF8, "application/json"));
    }

    // The instance has taken its partitions and read their state (KafkaStateStore logs once per partition).
    private static bool Restored(DriftWatchProcess process) => process.Output.Contains(" agent(s) from ", StringComparison.Ordinal);

    private static List<JsonElement> AuditRecords(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool PortAnswers(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    private Dictionary<string, string> ProcessEnvironment(Topics topics) => new()
    {
        ["DRIFTWATCH_Pipeline__DeadLetterTopic"] = topics.DeadLetters,
        ["DRIFTWATCH_Pipeline__AlertsTopic"] = topics.Alerts,
        ["DRIFTWATCH_Pipeline__BatchSize"] = "200",
        ["DRIFTWATCH_Pipeline__BatchInterval"] = "00:00:00.050",
        ["DRIFTWATCH_Snapshots__Directory"] = Path.Combine(_directory, "snapshots"),
        ["DRIFTWATCH_State__Topic"] = topics.State,
        ["DRIFTWATCH_State__CheckpointInterval"] = "00:00:00.300",
        // A restarted member joins at once instead of waiting out the killed member's 45 s session.
        ["DRIFTWATCH_Kafka__Extra__session.timeout.ms"] = "6000",
        ["DRIFTWATCH_Kafka__Extra__heartbeat.interval.ms"] = "500",
    };

    private async Task<Topics> TopicsAsync() => new(
        await kafka.CreateTopicAsync("decisions", partitions: 3),
        await kafka.CreateTopicAsync("dlq", partitions: 1),
        await kafka.CreateTopicAsync("alerts", partitions: 1),
        await kafka.CreateTopicAsync("state", partitions: 3));

    private IngestPipeline CreatePipeline(Topics topics, string group, out DriftMonitor detector, Microsoft.Extensions.Logging.ILoggerProvider? logs = null, int shards = 1)
    {
        var consumer = new KafkaConsumerOptions { BootstrapServers = kafka.BootstrapServers, GroupId = group };
        consumer.Topics.Clear();
        consumer.Topics.Add(topics.Decisions);
        consumer.Extra["session.timeout.ms"] = "6000";
        var options = new PipelineOptions
        {
            DeadLetterTopic = topics.DeadLetters,
            AlertsTopic = topics.Alerts,
            BatchSize = 200,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        detector = DetectionStack();
        var alerts = new KafkaAlertSink(KafkaProducerFactory.Create(kafka.BootstrapServers, "test-alerts"), topics.Alerts);
        var state = new StateOptions { Topic = topics.State, CheckpointInterval = TimeSpan.FromMilliseconds(200) };
        Microsoft.Extensions.Logging.ILoggerFactory loggers = logs is null ? NullLoggerFactory.Instance : new Microsoft.Extensions.Logging.LoggerFactory([logs]);
        if (shards == 1)
        {
            return new IngestPipeline(consumer, options, detector, [alerts], loggers, TimeProvider.System, detector, state);
        }

        var monitors = Enumerable.Range(0, shards).Select(_ => DetectionStack()).ToList();
        detector = monitors[0];
        return new IngestPipeline(consumer, options, [.. monitors.Select(m => ((Core.Detection.IDriftMonitor)m, (DriftMonitor?)m))], [alerts], loggers, TimeProvider.System, state);
    }

    // The detectors the service runs by default (Detection.CreateAsync), as the expected alerts are replayed with.
    private static DriftMonitor DetectionStack()
    {
        var monitor = new DriftMonitor();
        Core.Incidents.IncidentDetector.AddTo(monitor);
        Core.Exemplars.ExemplarDetector.AddTo(monitor);
        return monitor;
    }

    private static HashSet<string> RecordedIds(string path)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return ids;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                ids.Add(JsonDocument.Parse(line).RootElement.GetProperty("event_id").GetString()!);
            }
        }

        return ids;
    }

    private sealed record Topics(string Decisions, string DeadLetters, string Alerts, string State);
}
