using System.Net;
using DriftWatch.Api.Audit;

namespace DriftWatch.Api.Tests;

/// <summary>
/// The Kafka delivery path against librdkafka's in-process Kafka-protocol mock cluster
/// (<c>test.mock.num.brokers</c>), which runs inside the producer: it proves the idempotent producer
/// publishes commands and audit records; reading them back from another client is covered where a shared
/// cluster is started.
/// </summary>
public sealed class KafkaControlPathTests
{
    [Fact]
    public async Task Post_KafkaConfiguredOnMockCluster_PublishesTheCommand()
    {
        await using var scenario = await Scenario.StartAsync(static o =>
        {
            o.Rollback.KafkaBootstrapServers = "127.0.0.1:1";
            o.Rollback.RuntimeUrls.Clear();
        }, configureKafka: static c => c.Set("test.mock.num.brokers", "1"));

        using var response = await scenario.PostAlertmanagerAsync(
            Payloads.Alertmanager("firing", Payloads.Labels(), "9999", new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var execution = (await scenario.AuditAsync()).Single(static r => r.Kind == AuditKinds.Execution);
        Assert.True(execution.Succeeded, execution.Detail);
        Assert.Contains("kafka agent-control: partition", execution.Detail, StringComparison.Ordinal);
        Assert.Equal(0, scenario.Applied);
    }
}
