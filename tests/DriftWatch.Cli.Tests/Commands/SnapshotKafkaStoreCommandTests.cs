using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Snapshots;

namespace DriftWatch.Cli.Tests.Commands;

public sealed class SnapshotKafkaStoreCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-snapshot-kafka-").FullName;

    [Fact]
    public async Task TakeShowPin_WithBootstrapServers_KeepSnapshotsInKafkaNotInDirectory()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        // The embedded cluster cannot create topics through the admin API; the store finds this one existing.
        cluster.CreateTopic(KafkaSnapshotStoreOptions.DefaultTopic, partitions: 1);
        var events = Path.Combine(_directory, "events.jsonl");
        var store = Path.Combine(_directory, "store");
        Assert.Equal(0, await CliApplication.RunAsync(["simulate", "--output", events, "--agents", "1", "--events", "600"]));

        var id = (await Capture(["snapshot", "take", "--input", events, "--agent", "support-router", "--bootstrap-servers", cluster.BootstrapServers, "--store", store])).Trim();
        var shown = await Capture(["snapshot", "show", id, "--bootstrap-servers", cluster.BootstrapServers]);
        var pinned = await Capture(["snapshot", "pin", id, "-b", cluster.BootstrapServers]);

        Assert.StartsWith("sha256:", id, StringComparison.Ordinal);
        Assert.Contains(id, shown, StringComparison.Ordinal);
        Assert.Contains($"pinned {id}", pinned, StringComparison.Ordinal);
        Assert.False(Directory.Exists(store));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<string> Capture(string[] args)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await CliApplication.RunAsync(args));
        }
        finally
        {
            Console.SetOut(original);
        }

        return output.ToString();
    }
}
