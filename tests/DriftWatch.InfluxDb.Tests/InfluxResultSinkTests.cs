using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace DriftWatch.InfluxDb.Tests;

public sealed class InfluxResultSinkTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_TransportFailsThreeTimes_RetriesUntilAcknowledgedAndLogsDownAndUpOnce()
    {
        var transport = new ScriptedTransport(ScriptedTransport.Unavailable(), ScriptedTransport.Unavailable(), ScriptedTransport.Unavailable());
        var time = new FakeTimeProvider(At);
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(Options(), transport, logger, time);

        var write = sink.WriteAsync(Batch(3), CancellationToken.None);
        await DriveRetriesAsync(transport, time, attempts: 4);
        await write.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, Assert.Single(transport.Acknowledged).Count);
        Assert.Equal(1, logger.Count(4101));
        Assert.Equal(1, logger.Count(4102));
        Assert.False(sink.IsDown);
    }

    [Fact]
    public async Task WriteAsync_OutageOutlastsTheCap_KeepsRetryingWithoutThrowing()
    {
        var transport = new ScriptedTransport(Enumerable.Range(0, 12).Select(_ => (Exception?)ScriptedTransport.Unavailable()).ToArray());
        var time = new FakeTimeProvider(At);
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(Options(), transport, logger, time);

        var write = sink.WriteAsync(Batch(1), CancellationToken.None);
        await DriveRetriesAsync(transport, time, attempts: 13);
        await write.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(write.IsCompletedSuccessfully);
        Assert.Single(transport.Acknowledged);
        Assert.Equal(1, logger.Count(4101));
        Assert.Equal(1, logger.Count(4102));
    }

    [Fact]
    public async Task WriteAsync_OutageGoesOn_RetriesAfterDelaysDoublingFromTheInitialDelayUpToTheCap()
    {
        var options = Options();
        options.InitialRetryDelay = TimeSpan.FromMilliseconds(200);
        options.MaxRetryDelay = TimeSpan.FromSeconds(5);
        var transport = new ScriptedTransport { Fallback = ScriptedTransport.Unavailable() };
        var time = new TimerSignallingTimeProvider(At);
        await using var sink = new InfluxResultSink(options, transport, null, time);
        using var stop = new CancellationTokenSource();
        var write = sink.WriteAsync(Batch(1), stop.Token);
        await transport.Attempts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        foreach (var delay in new[] { 200, 400, 800, 1600, 3200, 5000, 5000 })
        {
            // The retry waits on the fake clock: the clock moves only once the wait has started, and one tick
            // short of its delay the retry cannot have happened.
            Assert.Equal(TimeSpan.FromMilliseconds(delay), await time.TimersCreated.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            time.Advance(TimeSpan.FromMilliseconds(delay - 1));
            await Task.Yield();
            Assert.False(transport.Attempts.Reader.TryRead(out _), $"retried before its {delay} ms delay");
            time.Advance(TimeSpan.FromMilliseconds(1));
            await transport.Attempts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
    }

    [Fact]
    public async Task WriteAsync_CancelledDuringOutage_ThrowsOperationCanceledAndSinkStaysUsable()
    {
        var transport = new ScriptedTransport { Fallback = ScriptedTransport.Unavailable() };
        var time = new FakeTimeProvider(At);
        await using var sink = new InfluxResultSink(Options(), transport, null, time);
        using var cts = new CancellationTokenSource();

        var write = sink.WriteAsync(Batch(2), cts.Token);
        await transport.Attempts.Reader.ReadAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(10)));
        transport.Fallback = null;
        var next = sink.WriteAsync(Batch(5), CancellationToken.None);
        await DriveRetriesAsync(transport, time, attempts: 1, untilDone: next);
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(transport.Acknowledged, request => request.Count == 5);
    }

    [Fact]
    public async Task WriteAsync_ServerRejectsPoints_CompletesWithoutRetryAndLogsTheRejection()
    {
        var transport = new ScriptedTransport(ScriptedTransport.Rejected());
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(Options(), transport, logger, new FakeTimeProvider(At));

        await sink.WriteAsync(Batch(4), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(transport.Acknowledged);
        Assert.True(transport.Attempts.Reader.TryRead(out _));
        Assert.False(transport.Attempts.Reader.TryRead(out _));
        Assert.Equal(1, logger.Count(4103));
        Assert.Equal(0, logger.Count(4101));
    }

    [Fact]
    public async Task WriteAsync_BatchLargerThanMaxBatchPoints_SplitIntoBoundedRequests()
    {
        var transport = new ScriptedTransport();
        var options = Options();
        options.MaxBatchPoints = 10;
        await using var sink = new InfluxResultSink(options, transport, null, new FakeTimeProvider(At));

        await sink.WriteAsync(Batch(25), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(transport.Acknowledged, r => Assert.InRange(r.Count, 1, 10));
        Assert.Equal(25, transport.Acknowledged.Sum(r => r.Count));
        Assert.Equal(25, transport.Acknowledged.SelectMany(r => r).Distinct().Count());
    }

    [Fact]
    public async Task WriteAsync_EmptyBatch_SendsNothing()
    {
        var transport = new ScriptedTransport();
        await using var sink = new InfluxResultSink(Options(), transport, null, new FakeTimeProvider(At));

        await sink.WriteAsync(ResultBatch.Empty, CancellationToken.None);

        Assert.Empty(transport.Acknowledged);
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var sink = new InfluxResultSink(Options(), new ScriptedTransport(), null, new FakeTimeProvider(At));
        await sink.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => sink.WriteAsync(Batch(1), CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_DuringOutage_ReleasesWaitingWriterWithCancellation()
    {
        var transport = new ScriptedTransport { Fallback = ScriptedTransport.Unavailable() };
        var sink = new InfluxResultSink(Options(), transport, null, new FakeTimeProvider(At));
        var write = sink.WriteAsync(Batch(1), CancellationToken.None);
        await transport.Attempts.Reader.ReadAsync();

        await sink.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    // Advances fake time past each retry delay until the transport has seen the given number of attempts.
    // The sink may not have armed its timer yet when an attempt is reported, so time is nudged until the
    // next attempt shows up rather than advanced once.
    private static async Task DriveRetriesAsync(ScriptedTransport transport, FakeTimeProvider time, int attempts, Task? untilDone = null)
    {
        for (var seen = 0; seen < attempts && untilDone?.IsCompleted != true;)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
            try
            {
                await transport.Attempts.Reader.ReadAsync(wait.Token);
                seen++;
            }
            catch (OperationCanceledException)
            {
                time.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static InfluxSinkOptions Options() => new()
    {
        Mode = InfluxWriteMode.V1,
        InitialRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
    };

    private static ResultBatch Batch(int scores) => new(
        Enumerable.Range(0, scores)
            .Select(i => new FeatureScore(new BehaviourKey("a", "production", "route"), $"f{i}", "ks", 0.1, 0.2, At, At, At, 1, 1))
            .ToList(),
        [], [], null);
}
