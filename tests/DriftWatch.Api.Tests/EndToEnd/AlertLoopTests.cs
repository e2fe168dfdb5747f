using System.Text.Json;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Metrics;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using Xunit.Abstractions;

namespace DriftWatch.Api.Tests.EndToEnd;

/// <summary>
/// The whole loop with real servers: Prometheus scrapes /metrics, its rule (deploy/prometheus/rules.yml) fires,
/// Alertmanager (deploy/alertmanager/alertmanager.yml) posts to the webhook with a bearer token, the rollback
/// reaches the sample runtime over HTTP and the runtime applies it.
/// </summary>
public sealed class AlertLoopTests(ITestOutputHelper output)
{
    private const string Prometheus = "/usr/bin/prometheus";
    private const string Alertmanager = "/usr/bin/prometheus-alertmanager";
    private static readonly TimeSpan LoopTimeout = TimeSpan.FromSeconds(60);

    [RequiresBinaryFact(Prometheus, Alertmanager)]
    public async Task DriftScoreAboveThreshold_PrometheusAndAlertmanager_RollTheRuntimeBack()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var scenario = await Scenario.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var directory = Directory.CreateTempSubdirectory("driftwatch-e2e-").FullName;
        var apiTarget = $"127.0.0.1:{scenario.Api.Address.Port}";

        scenario.Api.Metrics.Record(new FeatureScore(
            new BehaviourKey(Scenario.AgentId, "production", "route"),
            Payloads.Feature,
            "drift",
            Score: 2.2,
            Threshold: 1,
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow,
            2000,
            500));
        // A healthy feature of the same agent must not fire, even though its raw test statistic is over its
        // threshold (a large window with an effect too small to matter): rules read the decision series.
        scenario.Api.Metrics.Record(new FeatureScore(
            new BehaviourKey(Scenario.AgentId, "production", "route"),
            "decision.confidence",
            "ks",
            Score: 0.3,
            Threshold: 0.2,
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow,
            2000,
            500));
        scenario.Api.Metrics.Record(new FeatureScore(
            new BehaviourKey(Scenario.AgentId, "production", "route"),
            "decision.confidence",
            "drift",
            Score: 0.4,
            Threshold: 1,
            DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow,
            2000,
            500));

        var amPort = ServerProcess.FreePort();
        // The shipped example, with only the webhook address, token file and waits replaced.
        var amConfig = await DeployFiles.WriteAlertmanagerConfigAsync(directory, new Uri($"http://{apiTarget}/"), Scenario.Token);
        await using var alertmanager = ServerProcess.Start(
            "alertmanager",
            Alertmanager,
            amPort,
            $"--config.file={amConfig}",
            $"--storage.path={Path.Combine(directory, "am-data")}",
            $"--web.listen-address=127.0.0.1:{amPort}",
            "--cluster.listen-address=");

        var promPort = ServerProcess.FreePort();
        // The shipped rules, as they are.
        File.Copy(DeployFiles.RulesPath, Path.Combine(directory, "rules.yml"));
        var promConfig = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(promConfig, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ["127.0.0.1:{amPort}"]
            scrape_configs:
              - job_name: driftwatch
                static_configs:
                  - targets: ["{apiTarget}"]
            """);
        await using var prometheus = ServerProcess.Start(
            "prometheus",
            Prometheus,
            promPort,
            $"--config.file={promConfig}",
            $"--storage.tsdb.path={Path.Combine(directory, "prom-data")}",
            $"--web.listen-address=127.0.0.1:{promPort}");

        await alertmanager.WaitReadyAsync(http, TimeSpan.FromSeconds(20));
        await prometheus.WaitReadyAsync(http, TimeSpan.FromSeconds(20));
        var ready = clock.Elapsed;

        // The runtime applies the command before the API records the outcome, so wait for the record.
        var deadline = DateTime.UtcNow + LoopTimeout;
        while (!await ExecutedAsync(scenario) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        if (!await ExecutedAsync(scenario))
        {
            Assert.Fail($"""
                No rollback was executed within {LoopTimeout.TotalSeconds} s.
                Prometheus alerts: {await TryGetAsync(http, new Uri(prometheus.Address, "/api/v1/alerts"))}
                Prometheus targets: {await TryGetAsync(http, new Uri(prometheus.Address, "/api/v1/targets"))}
                Alertmanager alerts: {await TryGetAsync(http, new Uri(alertmanager.Address, "/api/v2/alerts"))}
                Audit: {string.Join('\n', (await scenario.AuditAsync()).Select(static r => JsonSerializer.Serialize(r)))}
                Alertmanager output: {alertmanager.OutputTail}
                Prometheus output: {prometheus.OutputTail}
                """);
        }

        output.WriteLine($"servers ready after {ready.TotalSeconds:F1} s; rollback executed {(clock.Elapsed - ready).TotalSeconds:F1} s later");
        Assert.Equal("\"escalations\"", scenario.Runtime.Get("route/urgency=high"));
        var audit = await scenario.AuditAsync();
        var received = audit.First(static r => r.Kind == AuditKinds.Received);
        Assert.Equal("alertmanager", received.Source);
        Assert.Equal(Payloads.Feature, received.Feature);
        Assert.Equal(Scenario.AgentId, received.AgentId);
        var plan = audit.Single(static r => r.Kind == AuditKinds.Plan).Command!;
        Assert.Equal(scenario.GoodVersion, plan.Target.StateVersion);
        Assert.Equal(["route/urgency=high"], plan.RevertKeys);
        Assert.True(audit.Single(static r => r.Kind == AuditKinds.Execution).Succeeded);
        Assert.Contains(audit, static r => r is { Kind: AuditKinds.Decision, Decision: AuditDecisions.Executed });
        Assert.DoesNotContain(audit, static r => r.Feature == "decision.confidence");
        Assert.Equal(1, scenario.Api.Metrics.Read(PipelineCounter.RollbacksExecuted));
        Assert.Equal(1, scenario.Applied);

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left behind temp data is harmless.
        }
    }

    private static async Task<bool> ExecutedAsync(Scenario scenario) =>
        (await scenario.AuditAsync()).Any(static r => r is { Kind: AuditKinds.Decision, Decision: AuditDecisions.Executed });

    private static async Task<string> TryGetAsync(HttpClient http, Uri uri)
    {
        try
        {
            return await http.GetStringAsync(uri);
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
        catch (TaskCanceledException)
        {
            return "timeout";
        }
    }
}
