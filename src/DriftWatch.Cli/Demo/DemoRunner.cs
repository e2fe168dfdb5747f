using System.Diagnostics;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Cli.Hosting;
using DriftWatch.Cli.Simulation;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Results;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.Embedded;
using DriftWatch.Kafka.Producing;
using DriftWatch.Service.Pipeline;
using DriftWatch.Simulation;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace DriftWatch.Cli.Demo;

/// <summary>Settings of one demo run.</summary>
internal sealed record DemoSettings(
    TimeSpan Duration,
    SimulationOptions Simulation,
    int InvalidEvery,
    int Brokers,
    DriftWatchSettings Service);

/// <summary>
/// The whole product on one machine: an embedded Kafka cluster, a simulated fleet with drift injected
/// midway, and the real pipeline, with a live view and a summary.
/// </summary>
internal static class DemoRunner
{
    private const string DecisionsTopic = "agent-decisions";
    private const string DeadLetterTopic = "agent-decisions.dlq";
    private const string AlertsTopic = "driftwatch-alerts";

    internal static async Task<int> RunAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        Terminal.WidenWhenRedirected();
        console.MarkupLine($"Starting an embedded Kafka cluster with {settings.Brokers} brokers...");
        using var cluster = EmbeddedKafkaCluster.Start(settings.Brokers);
        cluster.CreateTopic(DecisionsTopic, partitions: 6);
        cluster.CreateTopic(DeadLetterTopic, partitions: 1);
        cluster.CreateTopic(AlertsTopic, partitions: 1);
        cluster.CreateTopic(DemoRollbackLoop.ControlTopic, partitions: 1);
        cluster.CreateTopic(DemoRollbackLoop.AuditTopic, partitions: 1);
        cluster.CreateTopic(settings.Service.State.Topic, partitions: 6);
        console.MarkupLine($"Kafka at [bold]{cluster.BootstrapServers}[/]; topics {DecisionsTopic}, {DeadLetterTopic}, {AlertsTopic}");

        var producedTarget = settings.Simulation.Events + (long)(settings.Simulation.Events * 0.01) + 100;
        var pace = producedTarget / Math.Max(1, settings.Duration.TotalSeconds * 0.8);
        var simulation = new SimulationRun(settings.Simulation, settings.InvalidEvery, pace);
        var manifest = simulation.Manifest;
        foreach (var truth in manifest.Scenarios)
        {
            console.MarkupLine($"Injecting [bold]{DriftScenario.KindName(truth.Kind)}[/] ({truth.Mode.ToString().ToLowerInvariant()}, expect {Markup.Escape(truth.ExpectedFeature)}) into {truth.AgentId} at {truth.OnsetTimestamp:HH:mm:ss} event time (its decision #{truth.OnsetAgentIndex:N0})");
        }

        var kafka = settings.Service.Kafka;
        kafka.BootstrapServers = cluster.BootstrapServers;
        kafka.Topics.Clear();
        kafka.Topics.Add(DecisionsTopic);
        kafka.GroupId = "driftwatch-demo";
        var pipelineOptions = settings.Service.Pipeline;
        pipelineOptions.DeadLetterTopic = DeadLetterTopic;
        pipelineOptions.AlertsTopic = AlertsTopic;

        using var loggers = Logging.Create(Microsoft.Extensions.Logging.LogLevel.Error);
        // The same sinks as the service: the alerts topic, and InfluxDB when InfluxDb:Url is configured.
        var sinks = ResultSinks.Create(settings.Service, loggers);
        if (ResultSinks.InfluxOptions(settings.Service.Configuration) is { } influx)
        {
            console.MarkupLine($"Writing results to InfluxDB at [bold]{Markup.Escape(influx.Url.ToString())}[/]");
        }
        var metrics = new DriftMetrics();
        sinks.Add(new MetricsResultSink(metrics));
        var detection = await Detection.CreateAsync(settings.Service, cancellationToken).ConfigureAwait(false);
        var pipeline = new IngestPipeline(kafka, pipelineOptions, detection.Monitor, sinks, loggers, TimeProvider.System, detection.Detector, settings.Service.State);
        var catalog = new MonitorBaselineCatalog(detection.Detector, pipeline.LoadCheckpoint, () => pipeline.StateRestored);
        detection.PinInto(catalog);
        using var stopPipeline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pipelineRun = pipeline.RunAsync(stopPipeline.Token);
        await using var rollbacks = await DemoRollbackLoop.StartAsync(
            cluster.BootstrapServers,
            manifest.AgentIds,
            catalog,
            metrics,
            simulation.Simulator,
            agent => pipeline.Statistics.EventsByAgent.GetValueOrDefault(agent),
            loggers,
            cancellationToken).ConfigureAwait(false);
        console.MarkupLine($"Rollback webhook on [bold]{rollbacks.Address}[/]webhooks/alertmanager (alerts are delivered to it as Alertmanager would); audit trail {Markup.Escape(rollbacks.AuditFilePath)}");

        var clock = Stopwatch.StartNew();
        var view = new DemoView(pipeline.Statistics, manifest, () => simulation.Written, () => pipeline.ConsumerLag, () => rollbacks.Applied);
        var production = ProduceAsync(simulation, cluster.BootstrapServers, cancellationToken);
        var finished = WaitForCompletionAsync(production, simulation, pipeline, settings.Duration * 1.5, cancellationToken);
        var notifying = NotifyUntilAsync(finished, rollbacks, pipeline, cancellationToken);
        if (console.Profile.Capabilities.Interactive)
        {
            await console.Live(view.Render(clock.Elapsed)).AutoClear(false).StartAsync(async context =>
            {
                while (!finished.IsCompleted)
                {
                    context.UpdateTarget(view.Render(clock.Elapsed));
                    await Task.WhenAny(finished, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
                }

                context.UpdateTarget(view.Render(clock.Elapsed));
            }).ConfigureAwait(false);
        }
        else
        {
            while (!finished.IsCompleted)
            {
                await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
                var stats = pipeline.Statistics;
                console.WriteLine($"[{clock.Elapsed:mm\\:ss}] produced {simulation.Written:N0}, processed {stats.Events + stats.StateEvents:N0}, dead-lettered {stats.DeadLettered:N0}, alerts {stats.Alerts.Count}");
            }
        }

        var caughtUp = await finished.ConfigureAwait(false);
        await notifying.ConfigureAwait(false);
        await stopPipeline.CancelAsync().ConfigureAwait(false);
        await pipelineRun.ConfigureAwait(false);
        foreach (var sink in sinks)
        {
            await sink.DisposeAsync().ConfigureAwait(false);
        }

        var alertsOnTopic = CountAlertsOnTopic(cluster.BootstrapServers, pipeline.Statistics.Alerts.Count);
        return DemoSummary.Print(console, manifest, pipeline.Statistics, simulation, alertsOnTopic, clock.Elapsed, caughtUp, settings.Simulation.EventsPerSecond, rollbacks);
    }

    private static async Task NotifyUntilAsync(Task finished, DemoRollbackLoop rollbacks, IngestPipeline pipeline, CancellationToken cancellationToken)
    {
        while (!finished.IsCompleted)
        {
            await rollbacks.NotifyAsync(pipeline.Statistics.Alerts, cancellationToken).ConfigureAwait(false);
            await Task.WhenAny(finished, Task.Delay(250, CancellationToken.None)).ConfigureAwait(false);
        }

        // The rollback command of a late alert still reaches the fleet's runtime.
        await rollbacks.NotifyAsync(pipeline.Statistics.Alerts, cancellationToken).ConfigureAwait(false);
        await Task.Delay(1000, CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task ProduceAsync(SimulationRun simulation, string bootstrapServers, CancellationToken cancellationToken)
    {
        await using var output = EventOutput.ToKafka(bootstrapServers, DecisionsTopic);
        await simulation.WriteAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> WaitForCompletionAsync(Task production, SimulationRun simulation, IngestPipeline pipeline, TimeSpan limit, CancellationToken cancellationToken)
    {
        await production.ConfigureAwait(false);
        var deadline = Stopwatch.StartNew();
        while (pipeline.Statistics.Committed < simulation.Written)
        {
            if (deadline.Elapsed > limit || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }

    private static int CountAlertsOnTopic(string bootstrapServers, int expected)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[]?, byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "driftwatch-demo-alert-reader",
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(AlertsTopic);
        var count = 0;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(expected == 0 ? 2 : 10) && (expected == 0 || count < expected))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message is not null)
            {
                count++;
            }
        }

        consumer.Close();
        return count;
    }
}
