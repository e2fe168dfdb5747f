using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class KcatInteropTests(KafkaEnvironment kafka) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KcatTimeout = TimeSpan.FromSeconds(30);
    private const string MalformedLine = """{"schema":"driftwatch.decision/v1","event_id":"broken","agent_id":""";
    private const string MalformedKey = "support-router";

    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-kcat-").FullName;

    [KcatFact]
    public async Task RunAsync_EventsProducedByKcat_AllDetectedAndMalformedDeadLetterReadableByKcat()
    {
        var topic = await kafka.CreateTopicAsync("kcat-decisions");
        var dlq = await kafka.CreateTopicAsync("kcat-dlq", partitions: 1);
        var events = Enumerable.Range(0, 150).Select(i => TestEvents.Decision(i, $"agent-{i % 4}")).ToList();
        var file = WriteKeyedJsonl(events, malformedAt: 70);

        await Kcat.RunAsync(["-b", kafka.BootstrapServers, "-t", topic, "-P", "-K", "\t", "-l", file], KcatTimeout);

        var monitor = new RecordingMonitor();
        var pipeline = CreatePipeline(topic, dlq, monitor);
        using (var stop = new CancellationTokenSource())
        {
            var run = pipeline.RunAsync(stop.Token);
            try
            {
                await TestEvents.WaitUntilAsync(
                    () => pipeline.Statistics.Committed >= events.Count + 1,
                    Patience,
                    $"{events.Count + 1} committed messages (committed {pipeline.Statistics.Committed}, detected {monitor.EventIds.Count}, dead-lettered {pipeline.Statistics.DeadLettered})");
            }
            finally
            {
                await stop.CancelAsync();
                await run;
            }
        }

        Assert.Equal(events.Select(e => e.EventId).Order(StringComparer.Ordinal), monitor.EventIds.Order(StringComparer.Ordinal));
        Assert.Equal(1, pipeline.Statistics.DeadLettered);

        var output = await Kcat.RunAsync(
            ["-b", kafka.BootstrapServers, "-t", dlq, "-C", "-e", "-q", "-o", "beginning", "-f", "%k\t%h\t%s\n"],
            KcatTimeout);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        var fields = line.Split('\t');
        Assert.True(fields.Length == 3, $"kcat printed an unexpected line: {line}");
        var reason = AgentEventParser.Parse(Encoding.UTF8.GetBytes(MalformedLine)).Error;
        Assert.False(string.IsNullOrEmpty(reason), "the malformed line must have a parse error");
        Assert.Equal(MalformedKey, fields[0]);
        Assert.Contains($"{DeadLetterHeaders.Error}={reason}", fields[1], StringComparison.Ordinal);
        Assert.Contains($"{DeadLetterHeaders.SourceTopic}={topic}", fields[1], StringComparison.Ordinal);
        Assert.Equal(MalformedLine, fields[2]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // One message per line, "key<TAB>value", the input format of `kcat -P -K '\t' -l`.
    private string WriteKeyedJsonl(IReadOnlyList<DecisionEvent> events, int malformedAt)
    {
        var path = Path.Combine(_directory, "events.jsonl");
        using var stream = File.Create(path);
        for (var i = 0; i < events.Count; i++)
        {
            if (i == malformedAt)
            {
                stream.Write(Encoding.UTF8.GetBytes($"{MalformedKey}\t{MalformedLine}\n"));
            }

            stream.Write(Encoding.UTF8.GetBytes(events[i].AgentId + "\t"));
            AgentEventWriter.Write(stream, events[i]);
            stream.WriteByte((byte)'\n');
        }

        return path;
    }

    private IngestPipeline CreatePipeline(string topic, string dlq, RecordingMonitor monitor)
    {
        var consumer = new KafkaConsumerOptions
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"group-{Guid.NewGuid():N}",
        };
        consumer.Topics.Clear();
        consumer.Topics.Add(topic);
        var options = new PipelineOptions
        {
            DeadLetterTopic = dlq,
            AlertsTopic = string.Empty,
            BatchInterval = TimeSpan.FromMilliseconds(50),
        };
        return new IngestPipeline(consumer, options, monitor, [], NullLoggerFactory.Instance, TimeProvider.System);
    }
}
