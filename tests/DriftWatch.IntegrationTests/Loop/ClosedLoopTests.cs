using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Logging.Abstractions;

namespace DriftWatch.IntegrationTests.Loop;

/// <summary>
/// The product's loop on real parts: a sample agent publishes decisions to Kafka, the real driftwatch
/// service detects the drift its bad policy change causes and publishes the alert, an Alertmanager
/// webhook delivery (posted here in Alertmanager's v4 format; the Prometheus → Alertmanager hop itself
/// runs against the real servers in DriftWatch.Api.Tests) makes DriftWatch publish a rollback command on
/// the Kafka control topic, and the agent reverts exactly the drifted policy key.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class ClosedLoopTests(KafkaEnvironment kafka) : IDisposable
{
    private const string Token = "loop-test-token";
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-loop-").FullName;

    [Fact]
    public async Task Run_PolicyDriftAlertedAndWebhookDelivered_AgentRollsBackOnlyTheDriftedKeyOverKafka()
    {
        var decisions = await kafka.CreateTopicAsync("decisions", partitions: 3);
        var dlq = await kafka.CreateTopicAsync("dlq", partitions: 1);
        var alerts = await kafka.CreateTopicAsync("alerts", partitions: 1);
        var control = await kafka.CreateTopicAsync("control", partitions: 1);
        var audit = await kafka.CreateTopicAsync("audit", partitions: 1);
        var port = FreePort();
        var auditFile = Path.Combine(_directory, "audit.jsonl");

        using var service = DriftWatchProcess.Start(
            ["run", "--bootstrap-servers", kafka.BootstrapServers, "--topic", decisions, "--log-level", "Warning"],
            new Dictionary<string, string>
            {
                ["DRIFTWATCH_Pipeline__DeadLetterTopic"] = dlq,
                ["DRIFTWATCH_Snapshots__Directory"] = Path.Combine(_directory, "snapshots"),
                ["DRIFTWATCH_Pipeline__AlertsTopic"] = alerts,
                ["DRIFTWATCH_Pipeline__BatchInterval"] = "00:00:00.050",
                ["DRIFTWATCH_Api__Url"] = $"http://127.0.0.1:{port}",
                ["DRIFTWATCH_Api__BearerToken"] = Token,
                ["DRIFTWATCH_Api__Rollback__AllowedAgents__0"] = "support-router",
                ["DRIFTWATCH_Api__Rollback__ControlTopic"] = control,
                ["DRIFTWATCH_Api__Rollback__AuditTopic"] = audit,
                ["DRIFTWATCH_Api__Rollback__AuditFilePath"] = auditFile,
            });

        var options = new SampleAgentOptions { BootstrapServers = kafka.BootstrapServers, DecisionTopic = decisions, StateTopic = decisions, ControlTopic = control };
        var runtime = new RoutingPolicyRuntime(options.AgentId, options.AgentVersion, TimeProvider.System);
        await using var agentIo = new KafkaAgentIo(options, NullLogger.Instance);
        var handler = new RollbackHandler(runtime, NullLogger.Instance);
        var applied = new TaskCompletionSource<RollbackApplied>(TaskCreationOptions.RunContinuationsAsynchronously);
        var rollbacks = 0;
        handler.Reverted += result =>
        {
            Interlocked.Increment(ref rollbacks);
            applied.TrySetResult(result);
        };
        using var stop = new CancellationTokenSource();
        var listening = agentIo.ListenForCommandsAsync(handler, stop.Token);

        foreach (var (key, queue) in new[] { ("route/default", "general"), ("route/urgency=high", "escalations"), ("route/urgency=low", "self-service"), ("memory/greeting", "hello") })
        {
            await agentIo.PublishStateAsync(AgentEvents.State(runtime, runtime.Set(key, JsonValue.Create(queue)), options.Environment), CancellationToken.None);
        }

        var random = new Random(11);
        string[] urgencies = ["low", "normal", "high"];
        string[] categories = ["invoice", "outage", "account", "feature"];
        for (var n = 1; n <= 4000; n++)
        {
            if (n == 2600)
            {
                // The bad lesson the loop must undo.
                await agentIo.PublishStateAsync(AgentEvents.State(runtime, runtime.Set("route/urgency=high", JsonValue.Create("general")), options.Environment), CancellationToken.None);
            }

            if (n == 2700)
            {
                // An unrelated change that must survive the rollback.
                await agentIo.PublishStateAsync(AgentEvents.State(runtime, runtime.Set("memory/greeting", JsonValue.Create("hi there")), options.Environment), CancellationToken.None);
            }

            var ticket = new Ticket("my order is late", categories[random.Next(categories.Length)], urgencies[random.Next(urgencies.Length)], "email");
            Assert.True(agentIo.PublishDecision(AgentEvents.Decision(runtime, runtime.Decide(ticket), options.Environment)));
        }

        Assert.Equal("\"general\"", runtime.Get("route/urgency=high"));
        var (driftAlerts, incidents) = WaitForDrift(alerts, "decision.outcome|input.features.urgency=high", service);
        var alert = driftAlerts.First(a => a.GetProperty("feature").GetString() == "decision.outcome|input.features.urgency=high");

        // The drift moves more than one feature (the segment, the overall outcome, ...), so several alerts arrive.
        Assert.True(driftAlerts.Count > 1, $"alerts: {string.Join(", ", driftAlerts.Select(a => a.GetProperty("feature").GetString()))}");

        // One drift, one incident: every alert of the drifted agent belongs to it, and its root is the drifted segment.
        var incident = Assert.Single(incidents);
        Assert.Equal("urgency=high", incident.GetProperty("root_segment").GetString());
        var grouped = incident.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()).ToHashSet();
        Assert.All(driftAlerts, a => Assert.Contains(a.GetProperty("feature").GetString(), grouped));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var payload = AlertmanagerPayload(alert, "firing", "c0ffee0123456789");
        var response = await http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{service.Output}");

        // The other features' alerts, as separate series with their own fingerprints: the same incident, no second rollback.
        var fingerprint = 0;
        foreach (var other in driftAlerts.Where(a => a.GetProperty("feature").GetString() != "decision.outcome|input.features.urgency=high"))
        {
            var more = await http.PostAsync(
                new Uri("/webhooks/alertmanager", UriKind.Relative),
                new StringContent(AlertmanagerPayload(other, "firing", $"feed{fingerprint++:x12}"), Encoding.UTF8, "application/json"));
            Assert.True(more.IsSuccessStatusCode, $"{(int)more.StatusCode}: {await more.Content.ReadAsStringAsync()}");
        }

        var result = await applied.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("\"escalations\"", runtime.Get("route/urgency=high"));
        Assert.Equal("\"hi there\"", runtime.Get("memory/greeting"));
        Assert.Contains(result.Reverted, change => change.Key == "route/urgency=high");
        Assert.DoesNotContain(result.Reverted, change => change.Key == "memory/greeting");

        // Delivered again (Alertmanager repeats notifications): recorded, not executed twice.
        var again = await http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.True(again.IsSuccessStatusCode);

        var trail = await File.ReadAllLinesAsync(auditFile);
        Assert.Contains(trail, line => line.Contains("\"kind\":\"received\"", StringComparison.Ordinal));
        Assert.Contains(trail, line => line.Contains("\"kind\":\"plan\"", StringComparison.Ordinal));
        Assert.Equal(1, trail.Count(line => line.Contains("\"kind\":\"execution\"", StringComparison.Ordinal)));
        Assert.Equal(driftAlerts.Count + 1, trail.Count(line => line.Contains("\"kind\":\"received\"", StringComparison.Ordinal)));
        Assert.Equal(1, Volatile.Read(ref rollbacks));

        // The same host serves the OpenTelemetry export (every processed event timed) and dependency readiness.
        var otel = await http.GetStringAsync(new Uri("/metrics/otel", UriKind.Relative));
        Assert.Contains("driftwatch_event_processing_duration_seconds_count{", otel, StringComparison.Ordinal);
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        var readiness = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.IsSuccessStatusCode, readiness);
        Assert.Contains("kafka: healthy", readiness, StringComparison.Ordinal);

        await stop.CancelAsync();
        await listening;
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(60)));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>
    /// Reads the alerts topic until the expected alert and an incident holding it have arrived, then until it has
    /// been quiet for a few seconds (later alerts of the same drift arrive as the service catches up); returns the
    /// drifted agent's alerts and the last message of each of its incidents.
    /// </summary>
    private (List<JsonElement> Alerts, List<JsonElement> Incidents) WaitForDrift(string topic, string feature, DriftWatchProcess service)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[]?, byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = $"alert-reader-{Guid.NewGuid():N}",
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var alerts = new List<JsonElement>();
        var incidents = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        DateTime? quietUntil = null;
        while (DateTime.UtcNow < deadline && !service.HasExited && (quietUntil is null || DateTime.UtcNow < quietUntil))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(250))?.Message is not { } message)
            {
                continue;
            }

            var element = JsonDocument.Parse(message.Value).RootElement.Clone();
            if (element.GetProperty("agent_id").GetString() != "support-router")
            {
                continue;
            }

            if (element.TryGetProperty("schema", out var schema) && schema.GetString() == "driftwatch.incident/v1")
            {
                incidents[element.GetProperty("id").GetString()!] = element;
            }
            else
            {
                alerts.Add(element);
            }

            var found = alerts.Any(a => a.GetProperty("feature").GetString() == feature)
                && incidents.Values.Any(i => i.GetProperty("features").EnumerateArray().Any(f => f.GetProperty("feature").GetString() == feature));
            if (found)
            {
                quietUntil = DateTime.UtcNow.AddSeconds(5);
            }
        }

        if (quietUntil is null)
        {
            throw new TimeoutException($"No alert and incident on {feature} within 120 s; alerts seen: {string.Join(", ", alerts.Select(a => a.GetProperty("feature").GetString()))}.\n{service.Output}");
        }

        return (alerts, [.. incidents.Values]);
    }

    private static string AlertmanagerPayload(JsonElement alert, string status, string fingerprint)
    {
        var labels = new JsonObject
        {
            ["alertname"] = "DriftWatchDrift",
            ["agent_id"] = alert.GetProperty("agent_id").GetString(),
            ["environment"] = alert.GetProperty("environment").GetString(),
            ["decision"] = alert.GetProperty("decision").GetString(),
            ["feature"] = alert.GetProperty("feature").GetString(),
        };
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = "{}:{alertname=\"DriftWatchDrift\"}",
            ["status"] = status,
            ["receiver"] = "driftwatch",
            ["groupLabels"] = new JsonObject { ["alertname"] = "DriftWatchDrift" },
            ["commonLabels"] = labels.DeepClone(),
            ["commonAnnotations"] = new JsonObject { ["summary"] = alert.GetProperty("summary").GetString() },
            ["externalURL"] = "http://alertmanager:9093",
            ["alerts"] = new JsonArray
            {
                new JsonObject
                {
                    ["status"] = status,
                    ["labels"] = labels,
                    ["annotations"] = new JsonObject { ["summary"] = alert.GetProperty("summary").GetString() },
                    ["startsAt"] = alert.GetProperty("detected_at").GetString(),
                    ["endsAt"] = "0001-01-01T00:00:00Z",
                    ["generatorURL"] = "http://prometheus:9090/graph",
                    ["fingerprint"] = fingerprint,
                },
            },
        }.ToJsonString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
