using System.CommandLine;
using System.Security.Cryptography;
using DriftWatch.Cli.Dev;
using DriftWatch.Cli.Hosting;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace DriftWatch.Cli.Commands;

/// <summary>
/// <c>driftwatch dev</c>: everything on a laptop in one process: an embedded Kafka-protocol cluster, the
/// service (<c>run</c>) and its HTTP API with the OTLP receiver, and the OTLP-on-Kafka consumer, so a real
/// agent can be pointed at it without installing Kafka.
/// </summary>
internal static class DevCommand
{
    internal static Command Create()
    {
        var config = CommonOptions.Config();
        var logLevel = CommonOptions.LogLevel();
        var port = new Option<int>("--port") { Description = "Port of the HTTP API and OTLP receiver (default 9464).", HelpName = "PORT", DefaultValueFactory = _ => 9464 };
        var token = new Option<string?>("--token") { Description = "Bearer token for /v1/traces and the webhooks (default: a new random one, printed).", HelpName = "TOKEN" };
        var noLive = new Option<bool>("--no-live") { Description = "No live view of decisions and alerts per agent (it is off anyway when stdout is not an interactive terminal)." };
        var command = new Command("dev", "Run DriftWatch locally with an embedded Kafka cluster and the OTLP receiver, and print where to point agents.")
        {
            config, port, token, noLive, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string secret = parse.GetValue(token) is { Length: > 0 } given ? given : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            string url = $"http://127.0.0.1:{parse.GetValue(port)}";
            using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
            foreach (string topic in new[] { "agent-decisions", "agent-decisions.dlq", "driftwatch-alerts", "otlp_spans", "otlp_spans.dlq", "agent-control", "driftwatch-audit", "driftwatch-state" })
            {
                // The state changelog has the input topic's partitions (docs/operations.md).
                cluster.CreateTopic(topic, partitions: topic is "agent-decisions" or "driftwatch-state" ? 6 : 1);
            }

            var configuration = DriftWatchSettings.LoadConfiguration(parse.GetValue(config), new Dictionary<string, string?>
            {
                ["Api:Url"] = url,
                ["Api:BearerToken"] = secret,
                ["Otlp:BearerToken"] = secret,
                ["Otlp:Kafka:Enabled"] = "true",
            });
            string? level = parse.GetValue(logLevel);
            bool live = DevLiveView.IsEnabled(parse.GetValue(noLive), AnsiConsole.Profile.Capabilities.Interactive, Console.IsOutputRedirected);

            Console.Out.WriteLine($"""
                DriftWatch dev is running (Ctrl-C to stop).
                  Kafka bootstrap servers : {cluster.BootstrapServers}   (decisions: topic agent-decisions, key agent_id)
                  OTLP/HTTP traces        : {url}/v1/traces
                  OTLP on Kafka           : topic otlp_spans (otlp_proto)
                  Bearer token            : {secret}
                Point an OpenTelemetry SDK at it:
                  export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT={url}/v1/traces
                  export OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf
                  export OTEL_EXPORTER_OTLP_TRACES_HEADERS="Authorization=Bearer {secret}"
                """);
            await Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            Task<int> host = DriftWatchHost.RunAsync(
                configuration,
                settings =>
                {
                    // The live view replaces the routine log lines, which would scroll it away; --log-level brings them back.
                    settings.OverrideLogLevel(level ?? (live && settings.LogLevel < LogLevel.Warning ? nameof(LogLevel.Warning) : null));
                    settings.Kafka.BootstrapServers = cluster.BootstrapServers;
                    settings.Kafka.Topics.Clear();
                    settings.Kafka.Topics.Add("agent-decisions");
                },
                cancellationToken);
            if (live)
            {
                using var stopView = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var activity = new DevActivity();
                Task reading = DevActivityReader.RunAsync(cluster.BootstrapServers, "agent-decisions", "driftwatch-alerts", activity, stopView.Token);
                await new DevLiveView(activity, TimeProvider.System).ShowAsync(AnsiConsole.Console, host).ConfigureAwait(false);
                await stopView.CancelAsync().ConfigureAwait(false);
                await reading.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            return await host.ConfigureAwait(false);
        });
        return command;
    }
}
