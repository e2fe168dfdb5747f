using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using DriftWatch.Cli.Hosting;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftWatch.Cli.Tests.Hosting;

/// <summary>
/// An agent's trace continues through DriftWatch: the trace context in an event's Kafka headers reaches the alert
/// the event raises, the webhook that acts on it and the rollback command, with DriftWatch's spans in between.
/// </summary>
public sealed class TraceContextTests : IDisposable
{
    private const string Agent = "support-router";
    private const string Token = "trace-test-token";
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-trace-").FullName;

    [Fact]
    public async Task Pipeline_EventWithTraceparent_AlertAndRollbackCommandCarryItsTraceId()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "DriftWatch",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var suffix = Guid.NewGuid().ToString("N");
        string input = "decisions-" + suffix, alerts = "alerts-" + suffix, control = "control-" + suffix;
        foreach (var topic in new[] { input, alerts, control, "dlq-" + suffix })
        {
            cluster.CreateTopic(topic, partitions: 1);
        }

        await ProduceWithTraceAsync(cluster.BootstrapServers, input, traceId);
        using var host = DriftWatchHost.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Topics:0"] = input,
            ["Kafka:GroupId"] = "trace-" + suffix,
            ["Pipeline:AlertsTopic"] = alerts,
            ["Pipeline:DeadLetterTopic"] = "dlq-" + suffix,
            ["State:Enabled"] = "false",
            // A short reference, so the injected drift is found after a few hundred events.
            ["Detection:ReferenceSize"] = "500",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Api:BearerToken"] = Token,
            ["Api:Rollback:ControlTopic"] = control,
            ["Api:Rollback:AuditTopic"] = "",
            ["Api:Rollback:AuditFilePath"] = Path.Combine(_directory, "audit.jsonl"),
            ["Api:Rollback:AllowedAgents:0"] = Agent,
            ["Logging:Level"] = "Warning",
        }).Build());
        var service = host.Services.GetServices<IHostedService>().OfType<DriftWatchService>().Single();
        await host.StartAsync(CancellationToken.None);
        try
        {
            var running = await service.Running.WaitAsync(TimeSpan.FromSeconds(60));
            Message<byte[]?, byte[]> alert;
            try
            {
                alert = ConsumeOne(cluster.BootstrapServers, alerts, m => Encoding.UTF8.GetString(m.Key ?? []) == Agent);
            }
            catch (TimeoutException)
            {
                var stats = running.Pipeline.Statistics;
                throw new InvalidOperationException($"No alert for {Agent} on the topic: {stats.Events} events processed, {stats.DeadLettered} dead-lettered, {stats.Alerts.Count} alerts raised; failure: {service.Failure?.SourceException.Message ?? "none"}");
            }

            Assert.Equal(traceId, TraceIdOf(alert.Headers));

            using var body = JsonDocument.Parse(alert.Value);
            await PostAlertmanagerAsync(running.ApiAddress!, body.RootElement);
            var command = ConsumeOne(cluster.BootstrapServers, control, static _ => true);

            Assert.Equal(traceId, TraceIdOf(command.Headers));
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        var names = spans.Select(static s => s.OperationName).ToHashSet(StringComparer.Ordinal);
        foreach (var name in new[] { "consume", "detect", "alert publish", "webhook", "rollback publish" })
        {
            Assert.Contains(name, names);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task ProduceWithTraceAsync(string bootstrapServers, string topic, ActivityTraceId traceId)
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await CliApplication.RunAsync(["simulate", "--output", events, "--agents", "1", "--events", "1600", "--seed", "7", "--drift", $"misrouting:agent={Agent},onset=0.5"]));
        using var producer = new ProducerBuilder<byte[]?, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 }).Build();
        foreach (var line in await File.ReadAllLinesAsync(events))
        {
            // Each event is a span of the agent's trace: same trace id, its own span id.
            var traceparent = $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01";
            producer.Produce(topic, new Message<byte[]?, byte[]>
            {
                Value = Encoding.UTF8.GetBytes(line),
                Headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes(traceparent) } },
            });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    private static Message<byte[]?, byte[]> ConsumeOne(string bootstrapServers, string topic, Func<Message<byte[]?, byte[]>, bool> match)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message is { } message && match(message))
            {
                consumer.Close();
                return message;
            }
        }

        throw new TimeoutException($"No matching message on {topic} within two minutes.");
    }

    private static ActivityTraceId TraceIdOf(Headers? headers)
    {
        Assert.NotNull(headers);
        Assert.True(headers.TryGetLastBytes("traceparent", out var value), "the message carries no traceparent header");
        var parts = Encoding.ASCII.GetString(value).Split('-');
        return ActivityTraceId.CreateFromString(parts[1]);
    }

    private static async Task PostAlertmanagerAsync(Uri api, JsonElement alert)
    {
        var labels = new JsonObject
        {
            ["alertname"] = "DriftWatchDrift",
            ["agent_id"] = alert.GetProperty("agent_id").GetString(),
            ["environment"] = alert.GetProperty("environment").GetString(),
            ["feature"] = alert.GetProperty("feature").GetString(),
        };
        var payload = new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "{}:{agent_id=\"support-router\"}",
            ["status"] = "firing",
            ["receiver"] = "driftwatch",
            ["alerts"] = new JsonArray
            {
                new JsonObject
                {
                    ["status"] = "firing",
                    ["labels"] = labels,
                    ["annotations"] = new JsonObject(),
                    ["startsAt"] = alert.GetProperty("detected_at").GetString(),
                    ["endsAt"] = "0001-01-01T00:00:00Z",
                    ["fingerprint"] = "0123456789abcdef",
                },
            },
        };
        using var http = new HttpClient { BaseAddress = api };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), content);
        Assert.True(response.IsSuccessStatusCode, $"webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
