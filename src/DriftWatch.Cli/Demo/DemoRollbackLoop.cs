using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using DriftWatch.Core.Detection;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Demo;

/// <summary>A rollback the simulated fleet's runtime applied, for the view and the summary.</summary>
internal sealed record AppliedRollback(string AgentId, string Feature, string? StateVersion, IReadOnlyList<string> RevertKeys, long AfterDecisions);

/// <summary>
/// Closes the loop inside the demo: the service's real HTTP API and rollback webhook run in-process; each agent's
/// first alert is delivered to the webhook in Alertmanager's v4 format (the demo stands in for
/// Prometheus and Alertmanager, which are not embedded); the rollback command the API publishes on the
/// control topic is read back by the simulated fleet's runtime, which stops the agent's drift.
/// </summary>
internal sealed class DemoRollbackLoop : IAsyncDisposable
{
    internal const string ControlTopic = "agent-control";
    internal const string AuditTopic = "driftwatch-audit";

    private readonly HttpClient _http;
    private readonly FleetSimulator _fleet;
    private readonly Func<string, long> _decisionsOf;
    private readonly HashSet<string> _notified = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AppliedRollback> _applied = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listener;

    private DemoRollbackLoop(Uri address, string auditFilePath, string token, FleetSimulator fleet, Func<string, long> decisionsOf, string bootstrapServers)
    {
        Address = address;
        AuditFilePath = auditFilePath;
        _fleet = fleet;
        _decisionsOf = decisionsOf;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _listener = Task.Factory.StartNew(() => Listen(bootstrapServers), TaskCreationOptions.LongRunning);
    }

    /// <summary>Rollbacks applied so far, oldest first.</summary>
    internal IReadOnlyList<AppliedRollback> Applied => [.. _applied];

    /// <summary>Where the API listens.</summary>
    internal Uri Address { get; }

    /// <summary>Where the audit trail of this demo run is (for <c>driftwatch audit --file</c>).</summary>
    internal string AuditFilePath { get; }

    /// <summary>
    /// The API settings of a demo run, layered over the configuration like any override: the service's own API
    /// (started by the host, as in <c>run</c>) listens on a free port with a new token, allows the fleet's agents
    /// and keeps its audit trail in a fresh folder.
    /// </summary>
    internal static Dictionary<string, string?> ApiOverrides(string bootstrapServers, IReadOnlyList<string> agents, string token)
    {
        var directory = Directory.CreateTempSubdirectory("driftwatch-demo-").FullName;
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Api:BearerToken"] = token,
            ["Api:Rollback:KafkaBootstrapServers"] = bootstrapServers,
            ["Api:Rollback:ControlTopic"] = ControlTopic,
            ["Api:Rollback:AuditTopic"] = AuditTopic,
            ["Api:Rollback:AuditFilePath"] = Path.Combine(directory, "audit.jsonl"),
        };
        for (var i = 0; i < agents.Count; i++)
        {
            overrides[$"Api:Rollback:AllowedAgents:{i}"] = agents[i];
        }

        return overrides;
    }

    /// <summary>Starts the simulated runtime against the API the service started.</summary>
    internal static DemoRollbackLoop Start(Uri address, string auditFilePath, string token, FleetSimulator fleet, Func<string, long> decisionsOf, string bootstrapServers) =>
        new(address, auditFilePath, token, fleet, decisionsOf, bootstrapServers);

    /// <summary>Delivers the first alert of each agent to the webhook, as Alertmanager would.</summary>
    internal async Task NotifyAsync(IReadOnlyList<DriftAlert> alerts, CancellationToken cancellationToken)
    {
        foreach (var alert in alerts)
        {
            if (!_notified.Add(alert.Key.AgentId))
            {
                continue;
            }

            using var content = new StringContent(AlertmanagerPayload(alert), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri("/webhooks/alertmanager", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The rollback webhook answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listener.ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }

    // The simulated fleet's runtime: reads rollback commands addressed to its agents and applies them.
    private void Listen(string bootstrapServers)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "demo-fleet-runtime",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(ControlTopic);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message is not { } message)
                {
                    continue;
                }

                using var command = JsonDocument.Parse(message.Value);
                var root = command.RootElement;
                var agent = root.GetProperty("agent_id").GetString()!;
                if (root.TryGetProperty("dry_run", out var dry) && dry.ValueKind == JsonValueKind.True)
                {
                    continue;
                }

                _fleet.RollBack(agent);
                var keys = root.TryGetProperty("revert_keys", out var k) ? k.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
                var version = root.TryGetProperty("target", out var target) && target.TryGetProperty("state_version", out var v) ? v.GetString() : null;
                var feature = root.TryGetProperty("reason", out var reason) && reason.TryGetProperty("feature", out var f) ? f.GetString() ?? "?" : "?";
                _applied.Enqueue(new AppliedRollback(agent, feature, version, keys, _decisionsOf(agent)));
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    private static string AlertmanagerPayload(DriftAlert alert)
    {
        var labels = new JsonObject
        {
            ["alertname"] = "DriftWatchDrift",
            ["agent_id"] = alert.Key.AgentId,
            ["environment"] = alert.Key.Environment,
            ["decision"] = alert.Key.DecisionName,
            ["feature"] = alert.Feature,
        };
        var annotations = new JsonObject
        {
            ["summary"] = alert.Summary,
            ["window_start"] = alert.WindowStart.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        var fingerprint = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{alert.Key}|{alert.Feature}")))[..16].ToLowerInvariant();
        return new JsonObject
        {
            ["version"] = "4",
            ["groupKey"] = $"{{}}:{{agent_id=\"{alert.Key.AgentId}\"}}",
            ["status"] = "firing",
            ["receiver"] = "driftwatch",
            ["groupLabels"] = new JsonObject { ["agent_id"] = alert.Key.AgentId },
            ["commonLabels"] = labels.DeepClone(),
            ["commonAnnotations"] = annotations.DeepClone(),
            ["externalURL"] = "http://demo",
            ["alerts"] = new JsonArray
            {
                new JsonObject
                {
                    ["status"] = "firing",
                    ["labels"] = labels,
                    ["annotations"] = annotations,
                    ["startsAt"] = alert.DetectedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["endsAt"] = "0001-01-01T00:00:00Z",
                    ["generatorURL"] = "http://demo",
                    ["fingerprint"] = fingerprint,
                },
            },
        }.ToJsonString();
    }
}
