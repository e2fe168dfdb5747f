using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Sync;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Api.Tests;

public sealed class StateSyncPublisherTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-sync-").FullName;

    private RollbackOptions Options(bool kafka) => new()
    {
        AuditFilePath = Path.Combine(_directory, "audit.jsonl"),
        KafkaBootstrapServers = kafka ? "127.0.0.1:1" : null,
        AttemptTimeout = TimeSpan.FromSeconds(10),
        MaxAttempts = 2,
    };

    // librdkafka's in-process mock cluster (test.mock.num.brokers), as KafkaControlPathTests uses.
    private StateSyncPublisher Open(bool kafka) =>
        StateSyncPublisher.Open(Options(kafka), NullLoggerFactory.Instance, new FakeTimeProvider(), static c => c.Set("test.mock.num.brokers", "1"));

    private async Task<List<AuditRecord>> TrailAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in AuditTrailReader.ReadAsync(Path.Combine(_directory, "audit.jsonl")))
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public async Task ApplyAsync_WithoutExecute_AuditsTheDryRunAndPublishesNothing()
    {
        var command = StateSyncContractTests.Command();
        await using (var publisher = Open(kafka: false))
        {
            var outcome = await publisher.ApplyAsync(command, execute: false, CancellationToken.None);
            Assert.Equal(AuditDecisions.DryRun, outcome.Decision);
        }

        var trail = await TrailAsync();
        Assert.Equal([AuditKinds.Plan, AuditKinds.Decision], trail.Select(static r => r.Kind));
        Assert.Equal(StateSyncPublisher.AuditSource, trail[0].Source);
        Assert.True(trail[0].SyncCommand!.DryRun);
        Assert.Equal(command.CommandId, trail[1].CommandId);
        Assert.DoesNotContain(trail, static r => r.Kind == AuditKinds.Execution);
    }

    [Fact]
    public async Task ApplyAsync_ExecuteWithoutKafka_Throws()
    {
        await using var publisher = Open(kafka: false);

        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.ApplyAsync(StateSyncContractTests.Command(), execute: true, CancellationToken.None));
    }

    [Fact]
    public async Task ApplyAsync_ExecutedTwiceOnMockCluster_PublishesOnceAndAuditsTheDuplicate()
    {
        var command = StateSyncContractTests.Command();
        await using (var publisher = Open(kafka: true))
        {
            var first = await publisher.ApplyAsync(command, execute: true, CancellationToken.None);
            Assert.Equal(AuditDecisions.Executed, first.Decision);
            Assert.Contains("kafka agent-control: partition", first.Detail, StringComparison.Ordinal);
        }

        await using (var publisher = Open(kafka: true))
        {
            var second = await publisher.ApplyAsync(command with { IssuedAt = command.IssuedAt.AddHours(1) }, execute: true, CancellationToken.None);
            Assert.Equal(AuditDecisions.Duplicate, second.Decision);
        }

        var trail = await TrailAsync();
        Assert.Single(trail, static r => r.Kind == AuditKinds.Execution);
        Assert.Equal(AuditDecisions.Duplicate, trail[^1].Decision);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
