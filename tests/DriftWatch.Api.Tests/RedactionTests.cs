using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Confluent.Kafka;
using DriftWatch.Api.Security;
using DriftWatch.Kafka.Embedded;

namespace DriftWatch.Api.Tests;

public sealed class RedactionTests
{
    private const string User = "opsuser";
    private const string Password = "hunter2pw";
    private const string ApiKey = "k3y-value";
    private const string Token = "t0k-value";

    [Theory]
    [InlineData("http://opsuser:hunter2pw@runtime:8080/control?api_key=k3y-value&agent=a", "http://REDACTED@runtime:8080/control?api_key=REDACTED&agent=a")]
    [InlineData("https://runtime/x?token=t0k-value", "https://runtime/x?token=REDACTED")]
    [InlineData("https://runtime/x?a=1&password=p&client_secret=s&sig=abc", "https://runtime/x?a=1&password=REDACTED&client_secret=REDACTED&sig=REDACTED")]
    [InlineData("failed: Authorization: Bearer abc.def", "failed: Authorization: REDACTED")]
    [InlineData("X-Api-Key=abc123 rejected", "X-Api-Key=REDACTED rejected")]
    [InlineData("{\"token\":\"abc\"}", "{\"token\":\"REDACTED\"}")]
    [InlineData("http://runtime:8080/control/rollback: 503 after 3 attempt(s)", "http://runtime:8080/control/rollback: 503 after 3 attempt(s)")]
    [InlineData("kafka agent-control: partition 0 offset 12", "kafka agent-control: partition 0 offset 12")]
    public void RedactText_Credentials_AreMaskedAndTheRestKept(string text, string expected)
    {
        Assert.Equal(expected, SecretRedactor.RedactText(text));
    }

    [Fact]
    public async Task Post_RuntimeUrlWithCredentials_NeverShowsThemInAnswerAuditFileOrAuditTopic()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        var auditTopic = "audit-" + Guid.NewGuid().ToString("N");
        cluster.CreateTopic(auditTopic, partitions: 1);
        cluster.CreateTopic("agent-control", partitions: 1);
        await using var runtime = await TestRuntime.StartAsync();
        runtime.Answer("a", 503);
        var url = new UriBuilder(runtime.Url("a")) { UserName = User, Password = Password, Query = $"api_key={ApiKey}&token={Token}" }.Uri.ToString();
        await using var scenario = await Scenario.StartAsync(o =>
        {
            o.Rollback.RuntimeUrls = new Dictionary<string, string> { [Scenario.AgentId] = url };
            o.Rollback.KafkaBootstrapServers = cluster.BootstrapServers;
            o.Rollback.AuditTopic = auditTopic;
            o.Rollback.MaxAttempts = 2;
        });

        using var response = await scenario.PostAlertmanagerAsync(
            Payloads.Alertmanager("firing", Payloads.Labels(), "5ec7e7", new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));
        var answer = await response.Content.ReadAsStringAsync();
        using var read = new HttpRequestMessage(HttpMethod.Get, scenario.Url("/api/audit"));
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Scenario.Token);
        using var auditResponse = await scenario.Http.SendAsync(read);
        var served = await auditResponse.Content.ReadAsStringAsync();
        var file = await File.ReadAllTextAsync(scenario.AuditPath);
        var topic = ReadTopic(cluster.BootstrapServers, auditTopic, expected: file.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("REDACTED", answer, StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("answer", answer), ("api", served), ("file", file), ("topic", topic) })
        {
            foreach (var secret in new[] { User, Password, ApiKey, Token })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{name} shows '{secret}': {text}");
            }
        }

        // The credentials still reach the runtime, as a Basic authorization header.
        Assert.Contains($"Basic {Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"))}", runtime.Authorizations);
    }

    [Fact]
    public async Task GetAudit_TrailWrittenBeforeRedaction_IsServedMasked()
    {
        var directory = Directory.CreateTempSubdirectory("driftwatch-redact-old-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "audit.jsonl"),
            $"{{\"time\":\"2026-03-02T08:00:00+00:00\",\"kind\":\"execution\",\"agent_id\":\"a\",\"detail\":\"http http://{User}:{Password}@runtime/x?api_key={ApiKey}: 503 after 5 attempt(s)\"}}\n");
        await using var scenario = await Scenario.StartAsync(directory: directory);

        using var response = await scenario.GetAsync("/api/audit");
        var served = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http://REDACTED@runtime/x?api_key=REDACTED: 503", served, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, served, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_MetricsTokenSet_RequiresIt()
    {
        await using var scenario = await Scenario.StartAsync(static o => o.MetricsBearerToken = "scrape-token");

        using var anonymous = await scenario.GetAsync("/metrics", token: null);
        using var scraper = await scenario.GetAsync("/metrics", "scrape-token");
        using var health = await scenario.GetAsync("/healthz", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, scraper.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static string ReadTopic(string bootstrapServers, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "redaction-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var text = new StringBuilder();
        var count = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: { } message })
            {
                text.AppendLine(message.Value);
                count++;
            }
        }

        Assert.Equal(expected, count);
        return text.ToString();
    }
}
