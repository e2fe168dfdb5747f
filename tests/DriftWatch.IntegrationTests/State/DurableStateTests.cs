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
        using (var stop = new CancellationTokenSource())
        {
            var run = second.RunAsync(stop.Token);
            await TestEvents.WaitUntilAsync(() => second.Statistics.Committed >= scenario.Messages.Count - split, Patience, "every message to be committed");
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
    }

    [Fact]
    public async Task Run_KilledFiveTimesDuringADrift_AlertsTheDriftOnceLosesNothingAndMatchesOneUninterruptedRun()
    {
        var scenario = await DurableStateScenario.CreateAsync(events: 12_000);
        var topics = await TopicsAsync();
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topics.Decisions, scenario.Messages);
        var record = Path.Combine(_directory, "processed.jsonl");
        string[] arguments = ["run", "--bootstrap-servers", kafka.BootstrapServers, "--topic", topics.Decisions, "--group-id", $"g-{Guid.NewGuid():N}", "--record", record, "--log-level", "Warning"];
        var environment = ProcessEnvironment(topics);

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

        using (var last = DriftWatchProcess.Start(arguments, environment))
        {
            await TestEvents.WaitUntilAsync(() => last.HasExited || RecordedIds(record).Count >= total, Patience, $"every event to be recorded:\n{last.Output}");
            await Task.Delay(1500); // let the results of the last events reach the alerts topic
            var exit = await last.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"graceful stop exited {exit}:\n{last.Output}");
        }

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
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

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

    private IngestPipeline CreatePipeline(Topics topics, string group, out DriftMonitor detector)
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
        detector = new DriftMonitor();
        var alerts = new KafkaAlertSink(KafkaProducerFactory.Create(kafka.BootstrapServers, "test-alerts"), topics.Alerts);
        var state = new StateOptions { Topic = topics.State, CheckpointInterval = TimeSpan.FromMilliseconds(200) };
        return new IngestPipeline(consumer, options, detector, [alerts], NullLoggerFactory.Instance, TimeProvider.System, detector, state);
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
