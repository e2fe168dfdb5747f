using System.Collections.Concurrent;
using System.Net;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Rollback;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Api.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Webhooks_RefusedAndAcceptedRequests_NeverLogTheSecretOrToken()
    {
        var messages = new ConcurrentQueue<string>();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingProvider(messages)));
        var directory = Directory.CreateTempSubdirectory("driftwatch-log-").FullName;
        var catalog = new InMemoryBaselineCatalog();
        catalog.Pin(Scenario.AgentId, "production", new RollbackBaseline("1", "mem-000001", DateTimeOffset.UnixEpoch));
        var options = new DriftWatchApiOptions
        {
            Url = "http://127.0.0.1:0",
            GrafanaHmacSecret = Scenario.Secret,
            BearerToken = Scenario.Token,
            Rollback = new RollbackOptions { AuditFilePath = Path.Combine(directory, "audit.jsonl") },
        };
        await using (var api = new DriftWatchApiBuilder(options).UseBaselineCatalog(catalog).UseLoggerFactory(loggerFactory).Build())
        {
            await api.StartAsync(CancellationToken.None);
            using var http = new HttpClient();
            var body = Payloads.Alertmanager("firing", Payloads.Labels(), "abcd", DateTimeOffset.UnixEpoch);
            using var wrongToken = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Address, "/webhooks/alertmanager")) { Content = new StringContent(body) };
            wrongToken.Headers.Authorization = new("Bearer", Scenario.Token + "x");
            using var goodToken = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Address, "/webhooks/alertmanager")) { Content = new StringContent(body) };
            goodToken.Headers.Authorization = new("Bearer", Scenario.Token);
            using var badSignature = new HttpRequestMessage(HttpMethod.Post, new Uri(api.Address, "/webhooks/grafana")) { Content = new StringContent(body) };
            badSignature.Headers.Add("X-Grafana-Alerting-Signature", Payloads.Sign(Scenario.Secret + "x", body, null));

            using var r1 = await http.SendAsync(wrongToken);
            using var r2 = await http.SendAsync(goodToken);
            using var r3 = await http.SendAsync(badSignature);

            Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
            Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, r3.StatusCode);
        }

        Assert.NotEmpty(messages);
        Assert.DoesNotContain(messages, static m => m.Contains(Scenario.Secret, StringComparison.Ordinal) || m.Contains(Scenario.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(Scenario.Token, await File.ReadAllTextAsync(options.Rollback.AuditFilePath), StringComparison.Ordinal);
    }

    internal sealed class CollectingProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Collecting(messages);

        public void Dispose()
        {
        }

        private sealed class Collecting(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception) + exception);
        }
    }
}
