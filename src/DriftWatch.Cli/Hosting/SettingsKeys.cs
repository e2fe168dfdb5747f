using DriftWatch.Api.Hosting;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Exemplars;
using DriftWatch.Core.Incidents;
using DriftWatch.InfluxDb;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;
using DriftWatch.Ml;
using DriftWatch.Otlp.Ingest;
using DriftWatch.Otlp.Kafka;
using DriftWatch.Service.Pipeline;
using DriftWatch.Service.Snapshots;

namespace DriftWatch.Cli.Hosting;

/// <summary>The configuration sections DriftWatch reads and the options classes they bind to.</summary>
internal static class SettingsKeys
{
    /// <summary>Every known section; unknown keys inside them stop start-up with a message naming them.</summary>
    internal static ConfigurationKeyValidator Validator { get; } = new ConfigurationKeyValidator()
        .Section("Kafka", typeof(KafkaConsumerOptions))
        .Section("Pipeline", typeof(PipelineOptions))
        .Section("Detection", typeof(DriftMonitorOptions))
        .Key("Detection:UsePinnedSnapshots", typeof(bool))
        .Key("Detection:Ml", typeof(MlDetectionOptions))
        .Key("Detection:Ml:Enabled", typeof(bool))
        .Section("Api", typeof(DriftWatchApiOptions))
        .Section("InfluxDb", typeof(InfluxSinkOptions))
        .Section("Snapshots", typeof(SnapshotRecorderOptions))
        .Section("State", typeof(StateOptions))
        .Section("Incidents", typeof(IncidentOptions))
        .Section("Exemplars", typeof(ExemplarOptions))
        .Section("Otlp", typeof(OtlpIngestOptions))
        .Key("Otlp:Kafka", typeof(OtlpKafkaBridgeOptions))
        .Key("Otlp:Kafka:Enabled", typeof(bool))
        .Section("Tracing", typeof(TracingOptions))
        .Section("Resilience", typeof(ResilienceOptions))
        .Key("Logging:Level", typeof(string));
}
