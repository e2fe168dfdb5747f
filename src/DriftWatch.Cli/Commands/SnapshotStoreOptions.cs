using System.CommandLine;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Snapshots;
using DriftWatch.Kafka.Snapshots;

namespace DriftWatch.Cli.Commands;

/// <summary>
/// Where the snapshot commands keep snapshots: the <c>--store</c> directory, or, when Kafka bootstrap servers are
/// given (<c>--bootstrap-servers</c> or DRIFTWATCH_BOOTSTRAP_SERVERS), the shared compacted Kafka topic.
/// </summary>
internal sealed class SnapshotStoreOptions
{
    private readonly Option<string> _directory = new("--store")
    {
        Description = "Snapshot directory (used when no Kafka bootstrap servers are given).",
        DefaultValueFactory = _ => LocalDirectorySnapshotStore.DefaultDirectory,
        HelpName = "DIR",
    };

    private readonly Option<string?> _bootstrapServers = new("--bootstrap-servers", "-b")
    {
        Description = $"Keep snapshots in the Kafka topic {KafkaSnapshotStoreOptions.DefaultTopic} on these brokers instead of a directory (env DRIFTWATCH_BOOTSTRAP_SERVERS).",
        HelpName = "HOSTS",
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_directory);
        command.Options.Add(_bootstrapServers);
    }

    /// <summary>Opens the store the command line names; dispose it when it is an <see cref="IDisposable"/>.</summary>
    public ISnapshotStore Open(ParseResult parse)
    {
        var servers = parse.GetValue(_bootstrapServers) ?? Environment.GetEnvironmentVariable(DriftWatchSettings.BootstrapServersVariable);
        return string.IsNullOrWhiteSpace(servers)
            ? new LocalDirectorySnapshotStore(parse.GetValue(_directory))
            : new KafkaSnapshotStore(new KafkaSnapshotStoreOptions { BootstrapServers = servers });
    }
}
