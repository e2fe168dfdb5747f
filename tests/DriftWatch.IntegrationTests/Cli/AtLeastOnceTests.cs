using System.Text.Json;
using DriftWatch.Core.Events;
using DriftWatch.IntegrationTests.Infrastructure;

namespace DriftWatch.IntegrationTests.Cli;

[Collection(KafkaCollection.Name)]
public sealed class AtLeastOnceTests(KafkaEnvironment kafka) : IDisposable
{
    private const int Events = 12_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-alo-").FullName;

    [Fact]
    public async Task Run_KilledMidStreamAndRestarted_EveryProducedEventIsProcessed()
    {
        var topic = await kafka.CreateTopicAsync("decisions", partitions: 6);
        var dlq = await kafka.CreateTopicAsync("dlq", partitions: 1);
        var alerts = await kafka.CreateTopicAsync("alerts", partitions: 1);
        var produced = Enumerable.Range(0, Events).Select(i => TestEvents.Decision(i, $"agent-{i % 8}")).ToList();
        await TestEvents.ProduceAsync(kafka.BootstrapServers, topic, produced.Select(e => (e.AgentId, AgentEventWriter.ToUtf8Bytes(e))));
        var record = Path.Combine(_directory, "processed.jsonl");
        string[] arguments = ["run", "--bootstrap-servers", kafka.BootstrapServers, "--topic", topic, "--group-id", $"g-{Guid.NewGuid():N}", "--record", record, "--log-level", "Warning"];
        var environment = new Dictionary<string, string>
        {
            ["DRIFTWATCH_Pipeline__DeadLetterTopic"] = dlq,
            ["DRIFTWATCH_Snapshots__Directory"] = Path.Combine(_directory, "snapshots"),
            ["DRIFTWATCH_Pipeline__AlertsTopic"] = alerts,
            ["DRIFTWATCH_Pipeline__BatchSize"] = "200",
        };

        using (var first = DriftWatchProcess.Start(arguments, environment))
        {
            await TestEvents.WaitUntilAsync(() => first.HasExited || CountLines(record) >= Events / 3, TimeSpan.FromSeconds(120), $"a third of the events to be recorded:\n{first.Output}");
            Assert.False(first.HasExited, first.Output);
            first.Kill();
        }

        var beforeRestart = RecordedIds(record);
        Assert.InRange(beforeRestart.Distinct().Count(), 1, Events - 1);

        using (var second = DriftWatchProcess.Start(arguments, environment))
        {
            await TestEvents.WaitUntilAsync(() => second.HasExited || RecordedIds(record).Distinct().Count() >= Events, TimeSpan.FromSeconds(120), $"every event to be recorded after the restart:\n{second.Output}");
            var exit = await second.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"graceful stop exited {exit}:\n{second.Output}");
        }

        var recorded = RecordedIds(record);
        var expected = produced.Select(e => e.EventId).ToHashSet();
        Assert.Equal(expected.Count, recorded.Distinct().Count());
        Assert.True(expected.SetEquals(recorded), "recorded events differ from produced events");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static int CountLines(string path) => File.Exists(path) ? ReadShared(path).Count : 0;

    // A line the killed process left cut short is skipped: its events were not committed and come again.
    private static List<string> RecordedIds(string path) =>
        ReadShared(path)
            .Select(EventId)
            .OfType<string>()
            .ToList();

    private static string? EventId(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.GetProperty("event_id").GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<string> ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
