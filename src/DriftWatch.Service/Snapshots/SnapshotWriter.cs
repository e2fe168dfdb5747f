using System.Threading.Channels;
using DriftWatch.Core.Snapshots;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Service.Snapshots;

/// <summary>
/// Writes snapshots to the store on a background task so the detection stream never waits on disk; a
/// full queue drops the snapshot (and counts it) rather than stall detection.
/// </summary>
internal sealed class SnapshotWriter : IAsyncDisposable
{
    private readonly ISnapshotStore _store;
    private readonly ILogger _logger;
    private readonly Channel<BehaviourSnapshot> _queue;
    private readonly Task _loop;
    private long _written;
    private long _failed;
    private long _dropped;

    public SnapshotWriter(ISnapshotStore store, int capacity, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _queue = Channel.CreateBounded<BehaviourSnapshot>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false, // one writer per detection shard
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(WriteLoopAsync);
    }

    public long Written => Interlocked.Read(ref _written);

    public long Failed => Interlocked.Read(ref _failed);

    public long Dropped => Interlocked.Read(ref _dropped);

    public bool Enqueue(BehaviourSnapshot snapshot)
    {
        if (_queue.Writer.TryWrite(snapshot))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        SnapshotLog.Dropped(_logger, snapshot.Scope.ToString(), snapshot.Id);
        return false;
    }

    /// <summary>Stops accepting snapshots and waits until every queued one is written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var snapshot in _queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await _store.PutAsync(snapshot, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref _written);
            }
#pragma warning disable CA1031 // A failing store must not stop later snapshots; the failure is logged and counted.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _failed);
                SnapshotLog.WriteFailed(_logger, ex, snapshot.Scope.ToString(), snapshot.Id);
            }
        }
    }
}
