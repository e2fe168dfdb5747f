using DriftWatch.Core.Snapshots;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.Core.Tests.Snapshots;

public sealed class LocalDirectorySnapshotStoreTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("driftwatch-store-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task PutThenGet_Snapshot_RoundTripsUnderItsId()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 500));

        var id = await store.PutAsync(snapshot, CancellationToken.None);
        var loaded = await store.GetAsync(id, CancellationToken.None);

        Assert.Equal(snapshot.Id, id);
        Assert.NotNull(loaded);
        Assert.Equal(snapshot.ToUtf8Json(), loaded.ToUtf8Json());
        Assert.True(File.Exists(Path.Combine(_dir.FullName, "sha256-" + id["sha256:".Length..] + ".json")));
    }

    [Fact]
    public async Task Get_UnknownId_Null()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);

        Assert.Null(await store.GetAsync("sha256:" + new string('0', 64), CancellationToken.None));
    }

    [Fact]
    public async Task Get_MalformedId_ThrowsArgumentException()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);

        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("../../etc/passwd", CancellationToken.None));
    }

    [Fact]
    public async Task List_TwoSnapshotsPutTwice_EachListedOnceInTimeOrder()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);
        var later = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 300, start: DecisionEventGenerator.Start.AddHours(3)));
        var earlier = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 200));
        await store.PutAsync(later, CancellationToken.None);
        await store.PutAsync(earlier, CancellationToken.None);
        await store.PutAsync(later, CancellationToken.None);

        var list = await store.ListAsync(CancellationToken.None);

        Assert.Equal([earlier.Id, later.Id], list.Select(static i => i.Id));
        Assert.Equal(200, list[0].EventCount);
        Assert.Equal(earlier.From, list[0].From);
        Assert.Equal(SnapshotTestData.Scope, list[0].Scope);
        Assert.Equal(earlier.ToUtf8Json().Length, list[0].SizeBytes);
    }

    [Fact]
    public async Task Pin_SecondSnapshot_ReplacesFirstPinOfSameAgentAndEnvironment()
    {
        var clock = new FakeTimeProvider(DecisionEventGenerator.Start.AddDays(1));
        var store = new LocalDirectorySnapshotStore(_dir.FullName, clock);
        var first = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 200));
        var second = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 2, count: 200));
        await store.PutAsync(first, CancellationToken.None);
        await store.PutAsync(second, CancellationToken.None);

        await store.PinAsync(first.Id, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(5));
        await store.PinAsync(second.Id, CancellationToken.None);

        var pin = await store.GetPinAsync(DecisionEventGenerator.Agent, DecisionEventGenerator.Environment, CancellationToken.None);
        Assert.NotNull(pin);
        Assert.Equal(second.Id, pin.SnapshotId);
        Assert.Equal(clock.GetUtcNow(), pin.PinnedAt);
        Assert.Single(await store.ListPinsAsync(CancellationToken.None));
        Assert.Null(await store.GetPinAsync(DecisionEventGenerator.Agent, "staging", CancellationToken.None));
    }

    [Fact]
    public async Task Pin_SnapshotNotInStore_ThrowsNamingIt()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 50));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PinAsync(snapshot.Id, CancellationToken.None));

        Assert.Contains(snapshot.Id, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_FileTamperedOnDisk_ThrowsFormatException()
    {
        var store = new LocalDirectorySnapshotStore(_dir.FullName);
        var snapshot = SnapshotTestData.Snapshot(SnapshotTestData.Events(seed: 1, count: 50));
        var id = await store.PutAsync(snapshot, CancellationToken.None);
        var path = Path.Combine(_dir.FullName, "sha256-" + id["sha256:".Length..] + ".json");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("\"event_count\":50", "\"event_count\":51", StringComparison.Ordinal));

        await Assert.ThrowsAsync<FormatException>(() => store.GetAsync(id, CancellationToken.None));
    }

    [Fact]
    public void Constructor_NoDirectory_UsesDefaultUnderWorkingDirectory()
    {
        var store = new LocalDirectorySnapshotStore();

        Assert.Equal(Path.GetFullPath(LocalDirectorySnapshotStore.DefaultDirectory), store.Directory);
        Assert.EndsWith(Path.Combine(".driftwatch", "snapshots"), store.Directory, StringComparison.Ordinal);
    }
}
