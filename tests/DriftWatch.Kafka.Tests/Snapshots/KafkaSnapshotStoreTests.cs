using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Snapshots;
using DriftWatch.Core.Tests.Snapshots;
using DriftWatch.Kafka.Producing;
using DriftWatch.Kafka.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Kafka.Tests.Snapshots;

public sealed class KafkaSnapshotStoreTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task PutThenGet_Snapshot_RoundTripsUnderItsId()
    {
        using var store = new KafkaSnapshotStore(Options(NewTopic()));
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 500));

        var id = await store.PutAsync(snapshot, None);
        var loaded = await store.GetAsync(id, None);

        Assert.Equal(snapshot.Id, id);
        Assert.NotNull(loaded);
        Assert.Equal(snapshot.ToUtf8Json(), loaded.ToUtf8Json());
    }

    [Fact]
    public async Task Get_UnknownIdOnEmptyTopic_Null()
    {
        using var store = new KafkaSnapshotStore(Options(NewTopic()));

        Assert.Null(await store.GetAsync("sha256:" + new string('0', 64), None));
        Assert.Empty(await store.ListAsync(None));
        Assert.Empty(await store.ListPinsAsync(None));
    }

    [Fact]
    public async Task Get_MalformedId_ThrowsArgumentException()
    {
        using var store = new KafkaSnapshotStore(Options(NewTopic()));

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("pin:support-router/production", None));
    }

    [Fact]
    public async Task List_TwoSnapshotsPutTwice_EachListedOnceInTimeOrder()
    {
        var topic = NewTopic();
        using var store = new KafkaSnapshotStore(Options(topic));
        var later = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 300, start: DecisionEventGenerator.Start.AddHours(3)));
        var earlier = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 200));
        await store.PutAsync(later, None);
        await store.PutAsync(earlier, None);
        await store.PutAsync(later, None);

        var list = await store.ListAsync(None);

        Assert.Equal([earlier.Id, later.Id], list.Select(static i => i.Id));
        Assert.Equal(200, list[0].EventCount);
        Assert.Equal(earlier.From, list[0].From);
        Assert.Equal(SnapshotTestData.Scope, list[0].Scope);
        Assert.Equal(earlier.ToUtf8Json().Length, list[0].SizeBytes);
    }

    [Fact]
    public async Task List_SameSnapshotPutByTwoInstances_ListedOnce()
    {
        var topic = NewTopic();
        using var a = new KafkaSnapshotStore(Options(topic));
        using var b = new KafkaSnapshotStore(Options(topic));
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 3, count: 200));

        // Both write before either reads, so the topic holds the snapshot twice under one key.
        await Task.WhenAll(a.PutAsync(snapshot, None), b.PutAsync(snapshot, None));

        Assert.Equal([snapshot.Id], (await a.ListAsync(None)).Select(static i => i.Id));
        Assert.Equal([snapshot.Id], (await b.ListAsync(None)).Select(static i => i.Id));
    }

    [Fact]
    public async Task Pin_SecondSnapshot_ReplacesFirstPinOfSameAgentAndEnvironment()
    {
        var clock = new FakeTimeProvider(DecisionEventGenerator.Start.AddDays(1));
        using var store = new KafkaSnapshotStore(Options(NewTopic()), clock);
        var first = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 200));
        var second = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 200));
        await store.PutAsync(first, None);
        await store.PutAsync(second, None);

        await store.PinAsync(first.Id, None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await store.PinAsync(second.Id, None);

        var pin = await store.GetPinAsync(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, None);
        Assert.NotNull(pin);
        Assert.Equal(second.Id, pin.SnapshotId);
        Assert.Equal(clock.GetUtcNow(), pin.PinnedAt);
        Assert.Single(await store.ListPinsAsync(None));
        Assert.Equal(2, (await store.ListAsync(None)).Count);
    }

    [Fact]
    public async Task Pin_SnapshotNotInStore_ThrowsInvalidOperation()
    {
        using var store = new KafkaSnapshotStore(Options(NewTopic()));
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 50));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PinAsync(snapshot.Id, None));
        Assert.Contains(snapshot.Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondInstance_AfterFirstWrites_SeesSnapshotsAndPins()
    {
        var topic = NewTopic();
        using var writer = new KafkaSnapshotStore(Options(topic));
        using var reader = new KafkaSnapshotStore(Options(topic));
        var first = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 200));
        var second = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 200, start: DecisionEventGenerator.Start.AddHours(1)));
        await writer.PutAsync(first, None);
        await writer.PinAsync(first.Id, None);
        Assert.Equal(first.Id, (await reader.GetPinAsync(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, None))?.SnapshotId);

        // The reader's view is already materialised; it must pick up what is written afterwards.
        await writer.PutAsync(second, None);
        await writer.PinAsync(second.Id, None);

        var loaded = await reader.GetAsync(second.Id, None);
        Assert.NotNull(loaded);
        Assert.Equal(second.ToUtf8Json(), loaded.ToUtf8Json());
        Assert.Equal([first.Id, second.Id], (await reader.ListAsync(None)).Select(static i => i.Id));
        Assert.Equal(second.Id, (await reader.GetPinAsync(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, None))?.SnapshotId);
    }

    [Fact]
    public async Task Get_GarbageUnderSnapshotKey_ThrowsFormatExceptionNamingId()
    {
        var topic = NewTopic();
        using var store = new KafkaSnapshotStore(Options(topic));
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 100));
        await store.PutAsync(snapshot, None);
        using (var raw = KafkaProducerFactory.Create(fixture.Cluster.BootstrapServers, "test-raw"))
        {
            await raw.ProduceAsync(topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(snapshot.Id), Value = "{\"not\": \"a snapshot\"}"u8.ToArray() }, None);
        }

        var ex = await Assert.ThrowsAsync<FormatException>(() => store.GetAsync(snapshot.Id, None));
        Assert.Contains(snapshot.Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OtherSnapshotUnderKey_ThrowsFormatExceptionNamingId()
    {
        var topic = NewTopic();
        using var store = new KafkaSnapshotStore(Options(topic));
        var wanted = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 100));
        var other = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 100));
        using (var raw = KafkaProducerFactory.Create(fixture.Cluster.BootstrapServers, "test-raw"))
        {
            await raw.ProduceAsync(topic, new Message<byte[]?, byte[]> { Key = Encoding.UTF8.GetBytes(wanted.Id), Value = other.ToUtf8Json() }, None);
        }

        var ex = await Assert.ThrowsAsync<FormatException>(() => store.GetAsync(wanted.Id, None));
        Assert.Contains(wanted.Id, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_CreateTopicOnExistingTopic_SkipsCreationAndWrites()
    {
        var options = Options(NewTopic());
        options.CreateTopic = true;
        using var store = new KafkaSnapshotStore(options);
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 4, count: 100));

        await store.PutAsync(snapshot, None);

        Assert.NotNull(await store.GetAsync(snapshot.Id, None));
    }

    [Fact]
    public async Task ReadsAndWrites_ConcurrentOnOneInstance_EverySnapshotListedAndLoadable()
    {
        using var store = new KafkaSnapshotStore(Options(NewTopic()));
        var snapshots = Enumerable.Range(1, 4)
            .Select(static seed => SnapshotTestData.Snapshot(SnapshotTestData.Events(seed, count: 100, start: DecisionEventGenerator.Start.AddHours(seed))))
            .ToList();

        await Task.WhenAll(snapshots.Select(s => (Task)store.PutAsync(s, None)).Concat(snapshots.Select(_ => (Task)store.ListAsync(None))));
        var loaded = await Task.WhenAll(snapshots.Select(s => store.GetAsync(s.Id, None)));

        Assert.Equal(snapshots.Select(static s => s.Id), (await store.ListAsync(None)).Select(static i => i.Id));
        Assert.All(loaded, Assert.NotNull);
    }

    [Fact]
    public async Task List_TopicNotCreatedYet_Empty()
    {
        using var store = new KafkaSnapshotStore(Options($"missing-{Guid.NewGuid():N}"));

        Assert.Empty(await store.ListAsync(None));
        Assert.Null(await store.GetPinAsync(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, None));
    }

    private string NewTopic()
    {
        var topic = $"snapshots-{Guid.NewGuid():N}";
        fixture.Cluster.CreateTopic(topic, partitions: 2);
        return topic;
    }

    // The embedded cluster does not implement CreateTopics; the test creates each topic itself.
    private KafkaSnapshotStoreOptions Options(string topic) => new()
    {
        BootstrapServers = fixture.Cluster.BootstrapServers,
        Topic = topic,
        CreateTopic = false,
        ReadTimeout = TimeSpan.FromSeconds(20),
        DeliveryTimeout = TimeSpan.FromSeconds(20),
    };
}
