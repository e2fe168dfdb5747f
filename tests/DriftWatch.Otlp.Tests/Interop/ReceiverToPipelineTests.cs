using System.Net;
using System.Net.Http.Headers;
using DriftWatch.Core.Detection;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Proto.Trace;
using DriftWatch.Service.Pipeline;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using static DriftWatch.Otlp.Tests.Spans;

namespace DriftWatch.Otlp.Tests.Interop;

/// <summary>
/// Spans posted to the receiver take the same path as events agents publish themselves: the input topic of a
/// real Kafka-protocol cluster, then the service's ingest pipeline (parse, detect, commit).
/// </summary>
public sealed class ReceiverToPipelineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly EmbeddedKafkaCluster _kafka = EmbeddedKafkaCluster.Start(brokers: 1);

    [Fact]
    public async Task Post_SpansWithOutcomeShift_PipelineConsumesThemFromTheInputTopicAndAlerts()
    {
        string input = $"agent-decisions-{Guid.NewGuid():N}", dlq = $"dlq-{Guid.NewGuid():N}";
        _kafka.CreateTopic(input, partitions: 3);
        _kafka.CreateTopic(dlq, partitions: 1);
        using var producer = KafkaProducerFactory.Create(_kafka.BootstrapServers, "otlp-test");
        await using var host = await ReceiverHost.StartAsync(publishTo: new KafkaDecisionEventSink(producer, input));
        using var http = new HttpClient();

        int total = OutcomeShift.Before + OutcomeShift.After;
        for (int start = 0; start < total; start += 100)
        {
            var spans = Enumerable.Range(start, 100).Select(i => Decision(
                (i + 1).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
                OutcomeShift.Outcome(i, shifted: i >= OutcomeShift.Before),
                startSeconds: i,
                extra: [("driftwatch.input.urgency", OutcomeShift.Urgency(i))])).ToArray();
            using var message = new HttpRequestMessage(HttpMethod.Post, host.TracesUri) { Content = new ByteArrayContent(Request(spans).ToByteArray()) };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReceiverHost.Token);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await http.SendAsync(message);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var consumer = new KafkaConsumerOptions { BootstrapServers = _kafka.BootstrapServers, GroupId = $"g-{Guid.NewGuid():N}" };
        consumer.Topics.Clear();
        consumer.Topics.Add(input);
        var options = new PipelineOptions { DeadLetterTopic = dlq, AlertsTopic = string.Empty, BatchInterval = TimeSpan.FromMilliseconds(50) };
        var pipeline = new IngestPipeline(consumer, options, new DriftMonitor(OutcomeShift.Options()), [], NullLoggerFactory.Instance, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + Patience;
        while (pipeline.Statistics.Committed < total && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await run;

        Assert.Equal(total, pipeline.Statistics.Events);
        Assert.Equal(0, pipeline.Statistics.DeadLettered);
        Assert.Contains(pipeline.Statistics.Alerts, a => a.Feature == "decision.outcome|input.features.urgency=high" && a.Key.AgentId == "support-router" && a.Key.Environment == "staging");
    }

    public void Dispose() => _kafka.Dispose();
}
