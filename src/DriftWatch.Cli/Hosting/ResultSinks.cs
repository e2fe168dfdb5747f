using DriftWatch.Core.Results;
using DriftWatch.Kafka.Producing;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>The sinks a service writes to, from settings.</summary>
internal static class ResultSinks
{
    internal static List<IResultSink> Create(DriftWatchSettings settings, ILoggerFactory loggers)
    {
        _ = loggers;
        var sinks = new List<IResultSink>();
        if (!string.IsNullOrWhiteSpace(settings.Pipeline.AlertsTopic))
        {
            sinks.Add(new KafkaAlertSink(
                KafkaProducerFactory.Create(settings.Kafka.BootstrapServers, "driftwatch-alerts", settings.Kafka.Extra),
                settings.Pipeline.AlertsTopic));
        }

        return sinks;
    }
}
