using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Service.Tests.Pipeline;

public sealed class BatchedStageTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseAll_LargeBatchOnFourWorkers_SameResultsInTheSameOrderAsOneWorker()
    {
        var batch = Enumerable.Range(0, 517)
            .Select(i => i % 10 == 3 ? Message(i, "{\"schema\":1}") : Valid(i, $"agent-{i % 7}"))
            .ToList();

        var one = ParseStage.ParseAll(batch, workers: 1);
        var four = ParseStage.ParseAll(batch, workers: 4);

        Assert.Equal(batch.Select(m => m.Offset), four.Select(p => p.Message.Offset));
        Assert.Equal(one.Select(Describe), four.Select(Describe));
        Assert.Equal(52, four.Count(p => p.Result.Kind == AgentEventKind.Invalid));
    }

    [Fact]
    public void ParseThenDetectBatched_BatchesWithInvalidMessages_EveryMessagePassesInOrderAndValidOnesReachTheMonitorInOrder()
    {
        var monitor = new RecordingMonitor();
        var statistics = new PipelineStatistics();
        IReadOnlyList<ConsumedMessage>[] batches =
        [
            [Valid(0, "a"), Message(1, "{\"schema\":1}"), Valid(2, "b")],
            [Valid(3, "a")],
        ];
        var probe = Source.From(batches)
            .Via(ParseStage.CreateBatched(workers: 2))
            .Via(DetectStage.CreateBatched(monitor, statistics, NullLogger.Instance))
            .RunWith(this.SinkProbe<ProcessedMessage[]>(), Sys.Materializer());

        probe.Request(2);
        var first = probe.ExpectNext();
        var second = probe.ExpectNext();
        probe.ExpectComplete();

        Assert.Equal([0L, 1L, 2L], first.Select(p => p.Message.Offset));
        Assert.Equal([3L], second.Select(p => p.Message.Offset));
        Assert.Equal(AgentEventKind.Invalid, first[1].Result.Kind);
        Assert.Equal(["evt-0", "evt-2", "evt-3"], monitor.Seen);
        Assert.Equal(3, statistics.Events);
    }

    [Fact]
    public void BatchedAlertPath_BatchWithAnAlert_WritesTheAlertBeforePassingTheBatchOnUnchanged()
    {
        var sink = new RecordingSink();
        var stage = new SinkStage([sink], null, new PipelineOptions(), new PipelineStatistics(), () => 0, TimeProvider.System, NullLogger.Instance);
        var quiet = new ProcessedMessage(Valid(1, "a"), AgentEventParser.Parse(Valid(1, "a").Value), DetectionStep.Empty);
        var probe = Source.Single(new[] { WithAlert(0), quiet })
            .Via(stage.CreateBatchedAlertPath(CancellationToken.None))
            .RunWith(this.SinkProbe<ProcessedMessage[]>(), Sys.Materializer());

        probe.Request(1);
        var passed = probe.ExpectNext();
        int alertsWhenPassed = sink.Alerts.Count;
        probe.ExpectComplete();

        Assert.Equal(1, alertsWhenPassed);
        Assert.Equal([0L, 1L], passed.Select(p => p.Message.Offset));
    }

    private static string Describe(ParsedMessage parsed) =>
        $"{parsed.Message.Offset}:{parsed.Result.Kind}:{parsed.Result.Decision?.EventId}:{parsed.Result.Error}";

    private static ConsumedMessage Valid(int i, string agent) => new("t", 0, i, null, AgentEventWriter.ToUtf8Bytes(new DecisionEvent
    {
        EventId = $"evt-{i}",
        AgentId = agent,
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = "billing",
    }), Start);

    private static ConsumedMessage Message(int i, string json) => new("t", 0, i, null, Encoding.UTF8.GetBytes(json), Start);

    private static ProcessedMessage WithAlert(int i)
    {
        var message = Valid(i, "a");
        var alert = new DriftAlert(new BehaviourKey("a", "production", "route"), "decision.outcome", "chi2", 10, 1, AlertSeverity.Critical, Start, Start, Start, $"alert {i}", []);
        return new ProcessedMessage(message, AgentEventParser.Parse(message.Value), new DetectionStep([], [alert], []));
    }

    private sealed class RecordingMonitor : IDriftMonitor
    {
        public List<string> Seen { get; } = [];

        public DetectionStep Observe(DecisionEvent decision)
        {
            Seen.Add(decision.EventId);
            return DetectionStep.Empty;
        }

        public void Observe(StateEvent state)
        {
        }
    }

    private sealed class RecordingSink : IResultSink
    {
        public List<DriftAlert> Alerts { get; } = [];

        public string Name => "recording";

        public Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
        {
            lock (Alerts)
            {
                Alerts.AddRange(batch.Alerts);
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
