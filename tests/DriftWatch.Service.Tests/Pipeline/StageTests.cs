using System.Diagnostics.Metrics;
using System.Text;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Resilience;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using DriftWatch.Service.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.Service.Tests.Pipeline;

public sealed class StageTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseThenDetect_ValidAndInvalidMessages_EveryMessagePassesInOrderAndOnlyValidOnesReachTheMonitor()
    {
        var monitor = new CountingMonitor();
        var statistics = new PipelineStatistics();
        var probe = Source.From(new[] { Valid(0), Message(1, "{\"schema\":1}"), Valid(2) })
            .Via(ParseStage.Create())
            .Via(DetectStage.Create(monitor, statistics, NullLogger.Instance))
            .RunWith(this.SinkProbe<ProcessedMessage>(), Sys.Materializer());

        probe.Request(3);
        var first = probe.ExpectNext();
        var second = probe.ExpectNext();
        var third = probe.ExpectNext();
        probe.ExpectComplete();

        Assert.Equal([0L, 1L, 2L], new[] { first.Message.Offset, second.Message.Offset, third.Message.Offset });
        Assert.Equal(AgentEventKind.Invalid, second.Result.Kind);
        Assert.StartsWith("schema", second.Result.Error, StringComparison.Ordinal);
        Assert.Equal(2, monitor.Decisions);
        Assert.Equal(2, statistics.Events);
    }

    [Fact]
    public void Detect_EveryEvent_RecordsOneProcessingDurationTaggedWithItsKind()
    {
        using var meter = new Meter(DriftWatchTelemetry.MeterName);
        var recorded = new List<(double Seconds, string? Kind)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "driftwatch.event.processing.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            lock (recorded)
            {
                recorded.Add((value, tags.ToArray().Single(t => t.Key == "kind").Value as string));
            }
        });
        listener.Start();
        var probe = Source.From(new[] { Valid(0), Message(1, "{\"schema\":1}"), Valid(2) })
            .Via(ParseStage.Create())
            .Via(DetectStage.Create(new CountingMonitor(), new PipelineStatistics(), NullLogger.Instance, instruments: new PipelineInstruments(meter)))
            .RunWith(this.SinkProbe<ProcessedMessage>(), Sys.Materializer());

        probe.Request(3);
        probe.ExpectNextN(3);
        probe.ExpectComplete();

        Assert.Equal(["decision", "invalid", "decision"], recorded.Select(r => r.Kind));
        Assert.All(recorded, r => Assert.True(r.Seconds >= 0));
    }

    [Fact]
    public void Detect_MonitorThrows_StreamContinuesAndFailureIsCounted()
    {
        var statistics = new PipelineStatistics();
        var probe = Source.From(new[] { Valid(0), Valid(1) })
            .Via(ParseStage.Create())
            .Via(DetectStage.Create(new CountingMonitor(throwOn: "evt-0"), statistics, NullLogger.Instance))
            .RunWith(this.SinkProbe<ProcessedMessage>(), Sys.Materializer());

        probe.Request(2);
        probe.ExpectNext();
        probe.ExpectNext();
        probe.ExpectComplete();
        Assert.Equal(1, statistics.DetectorFailures);
    }

    [Fact]
    public async Task SinkStage_OneSinkFailsTwice_OnlyThatSinkIsRetriedAndTheOtherSeesEachBatchOnce()
    {
        var steady = new RecordingSink("steady", failures: 0);
        var flaky = new RecordingSink("flaky", failures: 2);
        var statistics = new PipelineStatistics();
        var stage = new SinkStage([steady, flaky], null, new PipelineOptions(), statistics, () => 0, TimeProvider.System, NullLogger.Instance, retry: FastRetry());

        await stage.WriteAsync([WithAlert(0)], CancellationToken.None);
        await stage.WriteAsync([WithAlert(1)], CancellationToken.None);

        Assert.Equal(2, steady.Writes);
        Assert.Equal(4, flaky.Writes);
        Assert.Equal(2, flaky.Alerts.Count);
        Assert.Equal(2, statistics.SinkRetries);
    }

    [Fact]
    public async Task SinkStage_Cancelled_WhileSinkIsDown_StopsRetryingWithCancellation()
    {
        var down = new RecordingSink("down", failures: int.MaxValue);
        var stage = new SinkStage([down], null, new PipelineOptions(), new PipelineStatistics(), () => 0, TimeProvider.System, NullLogger.Instance, retry: FastRetry());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stage.WriteAsync([WithAlert(0)], cancel.Token));
        Assert.True(down.Writes > 1);
    }

    [Fact]
    public async Task SinkStage_SinkFailsTwiceThenSucceeds_WritesTheBatchOnceAndCountsTwoRetries()
    {
        var flaky = new RecordingSink("flaky", failures: 2);
        var statistics = new PipelineStatistics();
        var stage = new SinkStage([flaky], null, new PipelineOptions(), statistics, () => 0, TimeProvider.System, NullLogger.Instance, retry: FastRetry());

        await stage.WriteAsync([WithAlert(0)], CancellationToken.None);

        Assert.Equal(3, flaky.Writes);
        Assert.Equal("alert 0", Assert.Single(flaky.Alerts).Summary);
        Assert.Equal(2, statistics.SinkRetries);
    }

    [Fact]
    public void SinkStage_SinkDownBeyondBoundedRetries_FailsTheStreamWithoutReleasingTheBatchForCommit()
    {
        var down = new RecordingSink("down", failures: int.MaxValue);
        var retry = FastRetry();
        retry.MaxRetryAttempts = 2;
        var stage = new SinkStage([down], null, new PipelineOptions(), new PipelineStatistics(), () => 0, TimeProvider.System, NullLogger.Instance, retry: retry);
        var probe = Source.Single<IEnumerable<ProcessedMessage>>([WithAlert(0)])
            .Via(stage.Create(CancellationToken.None))
            .RunWith(this.SinkProbe<IReadOnlyList<ProcessedMessage>>(), Sys.Materializer());

        probe.Request(1);
        var error = probe.ExpectError();

        // Whatever reaches the probe would be committed; the stream fails with the sink's own error instead.
        Assert.IsType<IOException>(error is AggregateException aggregate ? aggregate.InnerException : error);
        Assert.Equal(3, down.Writes);
    }

    [Fact]
    public async Task SinkStage_AlertPath_WritesEachAlertBeforeTheBatchAndTheBatchLeavesItOut()
    {
        var sink = new RecordingSink("alerts", failures: 0);
        var stage = new SinkStage([sink], null, new PipelineOptions(), new PipelineStatistics(), () => 0, TimeProvider.System, NullLogger.Instance);
        var quiet = new ProcessedMessage(Valid(1), AgentEventParser.Parse(Valid(1).Value), DetectionStep.Empty);
        var probe = Source.From(new[] { WithAlert(0), quiet })
            .Via(stage.CreateAlertPath(CancellationToken.None))
            .RunWith(this.SinkProbe<ProcessedMessage>(), Sys.Materializer());

        probe.Request(2);
        var first = probe.ExpectNext();
        int alertsBeforeBatch = sink.Alerts.Count;
        var second = probe.ExpectNext();
        probe.ExpectComplete();
        await stage.WriteAsync([first, second], CancellationToken.None);

        Assert.Equal(1, alertsBeforeBatch);
        Assert.Equal("alert 0", Assert.Single(sink.Alerts).Summary);
        Assert.Equal([0L, 1L], new[] { first.Message.Offset, second.Message.Offset });
    }

    [Fact]
    public async Task SinkStage_ResultsAndAlertWritten_RecordsLatencyFromTheEventsTimestamp()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start.AddMilliseconds(40));
        var stage = new SinkStage([new RecordingSink("s", failures: 0)], null, new PipelineOptions(), new PipelineStatistics(), () => 0, time, NullLogger.Instance);
        var recorded = new List<(string Name, double Value)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineLatency.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (recorded)
            {
                recorded.Add((instrument.Name, value));
            }
        });
        listener.Start();

        var item = WithAlert(0); // produced at Start
        await stage.WriteAlertsAsync(item, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(60));
        await stage.WriteAsync([item], CancellationToken.None);

        Assert.Contains((PipelineLatency.EventToAlertName, 40.0), recorded);
        Assert.Contains((PipelineLatency.EventToResultsName, 100.0), recorded);
    }

    private static RetryOptions FastRetry() => new() { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    private static ConsumedMessage Valid(int i) => new("t", 0, i, null, AgentEventWriter.ToUtf8Bytes(new DecisionEvent
    {
        EventId = $"evt-{i}",
        AgentId = "a",
        Timestamp = Start.AddSeconds(i),
        DecisionName = "route",
        Outcome = "billing",
    }), Start);

    private static ConsumedMessage Message(int i, string json) => new("t", 0, i, null, Encoding.UTF8.GetBytes(json), Start);

    private static ProcessedMessage WithAlert(int i)
    {
        var message = Valid(i);
        var alert = new DriftAlert(new BehaviourKey("a", "production", "route"), "decision.outcome", "chi2", 10, 1, AlertSeverity.Critical, Start, Start, Start, $"alert {i}", []);
        return new ProcessedMessage(message, AgentEventParser.Parse(message.Value), new DetectionStep([], [alert], []));
    }

    private sealed class CountingMonitor(string? throwOn = null) : IDriftMonitor
    {
        public int Decisions { get; private set; }

        public DetectionStep Observe(DecisionEvent decision)
        {
            if (decision.EventId == throwOn)
            {
                throw new InvalidOperationException("detector bug");
            }

            Decisions++;
            return DetectionStep.Empty;
        }

        public void Observe(StateEvent state)
        {
        }
    }

    private sealed class RecordingSink(string name, int failures) : IResultSink
    {
        public int Writes { get; private set; }

        public List<DriftAlert> Alerts { get; } = [];

        public string Name => name;

        public Task WriteAsync(ResultBatch batch, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Writes++;
            if (Writes <= failures)
            {
                throw new IOException($"{name} unavailable");
            }

            Alerts.AddRange(batch.Alerts);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
