using System.CommandLine;

namespace DriftWatch.Cli.Commands;

/// <summary>Options that several commands share, defined once so their names and help agree.</summary>
internal static class CommonOptions
{
    internal static Option<string?> Config() => new("--config")
    {
        Description = "JSON settings file (default: ./driftwatch.json when present). Environment variables DRIFTWATCH_<Section>__<Key> override it.",
        HelpName = "FILE",
    };

    internal static Option<string?> BootstrapServers() => new("--bootstrap-servers", "-b")
    {
        Description = "Kafka bootstrap servers, e.g. broker1:9092,broker2:9092 (env DRIFTWATCH_BOOTSTRAP_SERVERS).",
        HelpName = "HOSTS",
    };

    internal static Option<string?> LogLevel() => new("--log-level")
    {
        Description = "Minimum log level: Trace, Debug, Information, Warning, Error, Critical, None.",
        HelpName = "LEVEL",
    };
}
