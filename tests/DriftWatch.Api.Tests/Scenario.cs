using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Rollback;
using DriftWatch.Core.Events;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Api.Tests;

/// <summary>
/// A real sample agent runtime (HTTP control endpoint on a free port) whose routing policy went bad, a
/// baseline catalog that watched it, and the DriftWatch API on a free port, pointed at the runtime.
/// </summary>
internal sealed class Scenario : IAsyncDisposable
{
    public const string AgentId = "support-router";
    public const string OtherAgent = "billing-bot";
    public const string Secret = "grafana-signing-secret";
    public const string Token = "alertmanager-token";
    public const string TimestampHeader = "X-Grafana-Alerting-Signature-Timestamp";

    private readonly string _directory;
    private int _applied;
    private Action<Confluent.Kafka.ProducerConfig>? _configureKafka;
    private IBaselineCatalog? _catalogOverride;

    private Scenario(string directory, RoutingPolicyRuntime runtime, InMemoryBaselineCatalog catalog, string goodVersion)
    {
        _directory = directory;
        Runtime = runtime;
        Catalog = catalog;
        GoodVersion = goodVersion;
    }

    public RoutingPolicyRuntime Runtime { get; }
    public InMemoryBaselineCatalog Catalog { get; }
    public string GoodVersion { get; }
    public ControlServer Control { get; private set; } = null!;
    public DriftWatchApiHost Api { get; private set; } = null!;
    public DriftWatchApiOptions Options { get; private set; } = null!;
    public HttpClient Http { get; } = new();
    public string AuditPath => Path.Combine(_directory, "audit.jsonl");

    /// <summary>The incident directory the API reads on its next start (null: none, each alert episode is its own key).</summary>
    public Core.Incidents.IncidentDirectory? Incidents { get; set; }

    /// <summary>Rollback commands the runtime applied (not dry runs, duplicates or refusals).</summary>
    public int Applied => Volatile.Read(ref _applied);

    public static async Task<Scenario> StartAsync(
        Action<DriftWatchApiOptions>? configure = null,
        string? directory = null,
        Action<Confluent.Kafka.ProducerConfig>? configureKafka = null,
        IBaselineCatalog? catalogOverride = null)
    {
        directory ??= Directory.CreateTempSubdirectory("driftwatch-api-").FullName;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        var runtime = new RoutingPolicyRuntime(AgentId, "2026.02.1", clock);
        var catalog = new InMemoryBaselineCatalog(referenceEvents: 40);
        Observe(catalog, runtime, runtime.Set("route/default", JsonValue.Create("general")));
        Observe(catalog, runtime, runtime.Set("route/urgency=high", JsonValue.Create("escalations")));
        var good = runtime.StateVersion;
        Decide(catalog, runtime, clock, 40);

        // The bad lesson, learned after the reference window.
        clock.Advance(TimeSpan.FromMinutes(1));
        Observe(catalog, runtime, runtime.Set("route/urgency=high", JsonValue.Create("general")));
        Decide(catalog, runtime, clock, 40);

        var other = new RoutingPolicyRuntime(OtherAgent, "1.0", clock);
        Decide(catalog, other, clock, 5);

        var scenario = new Scenario(directory, runtime, catalog, good);
        var handler = new RollbackHandler(runtime, NullLogger.Instance);
        handler.Reverted += _ => Interlocked.Increment(ref scenario._applied);
        scenario.Control = await ControlServer.StartAsync("http://127.0.0.1:0", handler, runtime, NullLoggerFactory.Instance, CancellationToken.None);
        scenario._configureKafka = configureKafka;
        scenario._catalogOverride = catalogOverride;
        await scenario.StartApiAsync(configure);
        return scenario;
    }

    /// <summary>Stops the API and starts a new one over the same audit file (and <see cref="Incidents"/>), as after a restart.</summary>
    public async Task RestartApiAsync()
    {
        await Api.DisposeAsync();
        await StartApiAsync(null);
    }

    private async Task StartApiAsync(Action<DriftWatchApiOptions>? configure)
    {
        var options = new DriftWatchApiOptions
        {
            Url = "http://127.0.0.1:0",
            GrafanaHmacSecret = Secret,
            GrafanaTimestampHeader = TimestampHeader,
            BearerToken = Token,
            Rollback = new RollbackOptions
            {
                AllowedAgents = [AgentId],
                AuditFilePath = AuditPath,
                RuntimeUrls = new Dictionary<string, string> { [AgentId] = Control.RollbackUrl.ToString() },
                MaxAttempts = 3,
                InitialBackoff = TimeSpan.FromMilliseconds(10),
            },
        };
        configure?.Invoke(options);
        Options = options;
        var builder = new DriftWatchApiBuilder(options).UseBaselineCatalog(_catalogOverride ?? Catalog);
        if (Incidents is not null)
        {
            builder.UseIncidents(Incidents);
        }
        if (_configureKafka is not null)
        {
            builder.ConfigureKafkaProducer(_configureKafka);
        }

        Api = builder.Build();
        await Api.StartAsync(CancellationToken.None);
    }

    public Uri Url(string path) => new(Api.Address, path);

    public async Task<HttpResponseMessage> PostGrafanaAsync(string body, long? timestamp = null, string? secret = Secret)
    {
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/webhooks/grafana"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (secret is not null)
        {
            request.Headers.Add("X-Grafana-Alerting-Signature", Payloads.Sign(secret, body, ts));
        }

        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAlertmanagerAsync(string body, string? token = Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url("/webhooks/alertmanager"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>GET on a read endpoint, with the bearer token unless told otherwise.</summary>
    public async Task<HttpResponseMessage> GetAsync(string pathAndQuery, string? token = Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Http.SendAsync(request);
    }

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in AuditTrailReader.ReadAsync(AuditPath))
        {
            records.Add(record);
        }

        return records;
    }

    public static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());

    /// <summary>The "error" field of a JSON answer.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        using var json = await JsonAsync(response);
        return json.RootElement.GetProperty("error").GetString() ?? string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Control.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private static void Decide(InMemoryBaselineCatalog catalog, RoutingPolicyRuntime runtime, FakeTimeProvider clock, int count)
    {
        for (var i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            var decision = runtime.Decide(new Ticket("late order", "invoice", i % 2 == 0 ? "high" : "low", "email"));
            catalog.Observe(new DecisionEvent
            {
                EventId = decision.EventId,
                AgentId = runtime.AgentId,
                AgentVersion = runtime.AgentVersion,
                Timestamp = decision.Timestamp,
                DecisionName = "route",
                Outcome = decision.Queue,
                StateVersion = decision.StateVersion,
            });
        }
    }

    private static void Observe(InMemoryBaselineCatalog catalog, RoutingPolicyRuntime runtime, StateChange change)
    {
        using var value = JsonDocument.Parse(change.Value?.ToJsonString() ?? "null");
        var equals = change.Key.IndexOf('=', StringComparison.Ordinal);
        var segment = equals < 0
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [change.Key["route/".Length..equals]] = change.Key[(equals + 1)..] };
        catalog.Observe(new StateEvent
        {
            EventId = change.EventId,
            AgentId = runtime.AgentId,
            Timestamp = change.Timestamp,
            Key = change.Key,
            Op = change.Value is null ? StateOperation.Delete : StateOperation.Set,
            Value = value.RootElement.Clone(),
            Segment = segment,
            StateVersion = change.StateVersion,
        });
    }
}
