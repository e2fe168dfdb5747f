using DriftWatch.Core.Results;
using DriftWatch.InfluxDb;
using DriftWatch.Kafka.Producing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>The sinks a service writes to, from settings.</summary>
internal static class ResultSinks
{
    /// <summary>
    /// The alerts topic (unless Pipeline:AlertsTopic is empty) and InfluxDB when an InfluxDb:Url is
    /// configured; without one DriftWatch stays fully embedded.
    /// </summary>
    internal static List<IResultSink> Create(DriftWatchSettings settings, ILoggerFactory loggers, AlertTraceRegistry? traces = null, Core.Propagation.PropagationMap? propagation = null)
    {
        var sinks = new List<IResultSink>();
        if (!string.IsNullOrWhiteSpace(settings.Pipeline.AlertsTopic))
        {
            sinks.Add(new KafkaAlertSink(
                KafkaProducerFactory.Create(settings.Kafka.BootstrapServers, "driftwatch-alerts", settings.Kafka.Extra),
                settings.Pipeline.AlertsTopic,
                traces));
        }

        if (InfluxOptions(settings.Configuration) is { } influx)
        {
            sinks.Add(new InfluxResultSink(influx, loggers.CreateLogger<InfluxResultSink>()) { EdgeSource = propagation is null ? null : propagation.Edges });
        }

        return sinks;
    }

    internal static InfluxSinkOptions? InfluxOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection("InfluxDb");
        if (string.IsNullOrWhiteSpace(section["Url"]))
        {
            return null;
        }

        var options = new InfluxSinkOptions();
        section.Bind(options);
        options.Validate();
        return options;
    }
}
