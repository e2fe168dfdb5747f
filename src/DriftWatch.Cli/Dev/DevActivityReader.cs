using System.Text.Json;
using Confluent.Kafka;
using DriftWatch.Core.Events;

namespace DriftWatch.Cli.Dev;

/// <summary>
/// Feeds <see cref="DevActivity"/> from the dev cluster's input and alerts topics with a consumer of its own, so
/// the live view shows what reached Kafka (whichever way it came in: Kafka, OTLP/HTTP or OTLP on Kafka) without
/// reaching into the pipeline.
/// </summary>
internal static class DevActivityReader
{
    public static Task RunAsync(string bootstrapServers, string decisionsTopic, string alertsTopic, DevActivity activity, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(
            () =>
            {
                using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
                {
                    BootstrapServers = bootstrapServers,
                    GroupId = $"driftwatch-dev-live-{Guid.NewGuid():N}",
                    AutoOffsetReset = AutoOffsetReset.Earliest,
                    EnableAutoCommit = false,
                }).Build();
                consumer.Subscribe([decisionsTopic, alertsTopic]);
                while (!cancellationToken.IsCancellationRequested)
                {
                    try
                    {
                        if (consumer.Consume(TimeSpan.FromMilliseconds(250)) is { Message.Value: { } value } result)
                        {
                            Record(activity, result.Topic == alertsTopic, value);
                        }
                    }
                    catch (ConsumeException)
                    {
                        // The view is a convenience: a message it cannot read is skipped, the service reports it.
                    }
                }

                consumer.Close();
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    internal static void Record(DevActivity activity, bool isAlert, byte[] value)
    {
        if (!isAlert)
        {
            if (AgentEventParser.Parse(value).Decision is { } decision)
            {
                activity.Decision(decision.AgentId);
            }

            return;
        }

        try
        {
            using var alert = JsonDocument.Parse(value);
            JsonElement root = alert.RootElement;
            if (root.TryGetProperty("agent_id", out JsonElement agent) && agent.GetString() is { } agentId)
            {
                activity.Alert(
                    agentId,
                    root.TryGetProperty("feature", out JsonElement feature) ? feature.GetString() ?? "?" : "?",
                    root.TryGetProperty("severity", out JsonElement severity) ? severity.GetString() ?? "?" : "?",
                    root.TryGetProperty("detected_at", out JsonElement at) && at.TryGetDateTimeOffset(out DateTimeOffset detectedAt) ? detectedAt : default);
            }
        }
        catch (JsonException)
        {
            // Not an alert this view understands; skipped.
        }
    }
}
