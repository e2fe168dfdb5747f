using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Api.Rollback;
using DriftWatch.Core.Detection;
using DriftWatch.Simulation;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Demo;

/// <summary>A rollback the simulated fleet's runtime applied, for the view and the summary.</summary>
internal sealed record AppliedRollback(string AgentId, string Feature, string? StateVersion, IReadOnlyList<string> RevertKeys, long AfterDecisions);

/// <summary>
/// Closes the loop inside the demo: the real HTTP API and rollback webhook run in-process; each agent's
/// first alert is delivered to the webhook in Alertmanager's v4 format (the demo stands in for
/// Prometheus and Alertmanager, which are not embedded); the rollback command the API publishes on the
/// control topic is read back by the simulated fleet's runtime, which stops the agent's drift.
/// </summary>
internal sealed class DemoRollbackLoop : IAsyncDisposable
{
    internal const string ControlTopic = "agent-control";
    internal const string AuditTopic = "driftwatch-audit";

    private readonly DriftWatchApiHost _api;
    private readonly HttpClient _http;
    private readonly FleetSimulator _fleet;
    private readonly Func<string, long> _decisionsOf;
    private readonly HashSet<string> _notified = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AppliedRollback> _applied = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _listener;

    private DemoRollbackLoop(DriftWatchApiHost api, string token, FleetSimulator fleet, Func<string, long> decisionsOf, string bootstrapServers)
    {
        _api = api;
        _fleet = fleet;
        _decisionsOf = decisionsOf;
        _http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _listener = Task.Factory.StartNew(() => Listen(bootstrapServers), TaskCreationOptions.LongRunning);
    }

    /// <summary>Rollbacks applied so far, oldest first.</summary>
    internal IReadOnlyList<AppliedRollback> Applied => [.. _applied];

    /// <summary>Where the API listens.</summary>
    internal Uri Address => _api.Address;

    /// <summary>Where the audit trail of this demo run is (for <c>driftwatch audit --file</c>).</summary>
    internal string AuditFilePath => _api.AuditFilePath;

    internal static async Task<DemoRollbackLoop> StartAsync(
        string bootstrapServers,
        IReadOnlyList<string> agents,
        IBaselineCatalog catalog,
        DriftMetrics metrics,
        FleetSimulator fleet,
        Func<string, long> decisionsOf,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("driftwatch-demo-").FullName;
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var options = new DriftWatchApiOptions { Url = "http://127.0.0.1:0", BearerToken = token };
        options.Rollback.KafkaBootstrapServers = bootstrapServers;
        options.Rollback.ControlTopic = ControlTopic;
        options.Rollback.AuditTopic = AuditTopic;
        options.Rollback.AuditFilePath = Path.Combine(directory, "audit.jsonl");
        foreach (var agent in agents)
        {
            options.Rollback.AllowedAgents.Add(agent);
        }

        var api = new DriftWatchApiBuilder(options).UseMetrics(metrics).UseBaselineCatalog(catalog).UseLoggerFactory(loggers).Build();
        await api.StartAsync(cancellationToken).ConfigureAwait(false);
        return new DemoRollbackLoop(api, token, fleet, decisionsOf, bootstrapServers);
    }

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
        await _api.DisposeAsync().ConfigureAwait(false);
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
