using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DriftWatch.Cli.Hosting;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DriftWatch.Cli.Tests.Hosting;

/// <summary>The real Prometheus scrapes both metrics paths of a service whose API has no webhook authentication.</summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-prometheus-").FullName;

    [RequiresPrometheusFact]
    public async Task Prometheus_ApiUrlWithoutWebhookAuthentication_ScrapesBothMetricsPathsUp()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var topic = "scrape-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(topic, partitions: 1);
        var apiPort = FreePort();
        using var host = DriftWatchHost.Build(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Topics:0"] = topic,
            ["Pipeline:AlertsTopic"] = "",
            ["Api:Url"] = $"http://127.0.0.1:{apiPort}",
            ["Logging:Level"] = "Warning",
        }).Build());
        var service = host.Services.GetServices<IHostedService>().OfType<DriftWatchService>().Single();
        await host.StartAsync(CancellationToken.None);
        var webPort = FreePort();
        await File.WriteAllTextAsync(Path.Combine(_directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: driftwatch
                metrics_path: /metrics
                static_configs:
                  - targets: ["127.0.0.1:{apiPort}"]
              - job_name: driftwatch-otel
                metrics_path: /metrics/otel
                static_configs:
                  - targets: ["127.0.0.1:{apiPort}"]
            """);
        using var prometheus = Process.Start(new ProcessStartInfo("prometheus")
        {
            ArgumentList =
            {
                $"--config.file={Path.Combine(_directory, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(_directory, "data")}",
                $"--web.listen-address=127.0.0.1:{webPort}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        prometheus.OutputDataReceived += static (_, _) => { };
        prometheus.ErrorDataReceived += static (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            await service.Running.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
            var up = new Dictionary<string, string>();
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && !(up.GetValueOrDefault("driftwatch") == "1" && up.GetValueOrDefault("driftwatch-otel") == "1"))
            {
                await Task.Delay(500);
                up = await UpAsync(http);
            }

            Assert.Equal("1", up.GetValueOrDefault("driftwatch"));
            Assert.Equal("1", up.GetValueOrDefault("driftwatch-otel"));
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
            await host.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<Dictionary<string, string>> UpAsync(HttpClient http)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/query?query=up", UriKind.Relative)));
            foreach (var series in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
            {
                result[series.GetProperty("metric").GetProperty("job").GetString()!] = series.GetProperty("value")[1].GetString()!;
            }
        }
        catch (HttpRequestException)
        {
            // Prometheus is still starting.
        }

        return result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// A fact skipped, with the reason, when no <c>prometheus</c> binary is on the PATH; with DRIFTWATCH_REQUIRE_SERVERS
/// set (CI) it runs and fails instead, as the install script provides the server there.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresPrometheusFactAttribute : FactAttribute
{
    public RequiresPrometheusFactAttribute()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(static directory => File.Exists(Path.Combine(directory, "prometheus")));
        if (!onPath && Environment.GetEnvironmentVariable("DRIFTWATCH_REQUIRE_SERVERS") is not { Length: > 0 })
        {
            Skip = "No prometheus binary on the PATH; install it with scripts/install-prerequisites.sh (or set DRIFTWATCH_REQUIRE_SERVERS to fail instead).";
        }
    }
}
