using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>The sink against a real influxd that is killed mid-stream and started again.</summary>
public sealed class SinkOutageTests
{
    private const int Batches = 240;
    private const int ScoresPerBatch = 25;
    private const int KillAfterBatch = 60;

    [InfluxdFact]
    public async Task WriteAsync_ServerKilledAndRestartedMidStream_EveryPointStoredExactlyOnce()
    {
        await using var server = await InfluxdServer.StartNewAsync();
        var database = InfluxdFixture.NewDatabase();
        await server.CreateDatabaseAsync(database);
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(InfluxdFixture.V1Options(server, database), logger);

        var acknowledged = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Batches; i++)
            {
                await sink.WriteAsync(Batch(i), CancellationToken.None);
                Interlocked.Increment(ref acknowledged);
                if (i == KillAfterBatch)
                {
                    // Keep writing only once the server is gone, so some batches surely meet the outage.
                    await killed.Task;
                }
            }
        });

        while (Volatile.Read(ref acknowledged) <= KillAfterBatch)
        {
            await Task.Delay(10);
        }

        await server.KillAsync();
        killed.SetResult();
        while (!sink.IsDown)
        {
            Assert.False(writer.IsFaulted, writer.Exception?.ToString());
            await Task.Delay(10);
        }

        var acknowledgedWhileDown = Volatile.Read(ref acknowledged);
        await server.StartAsync();
        await writer.WaitAsync(TimeSpan.FromSeconds(120));

        var count = await server.QueryAsync($"SELECT count(\"score\") FROM \"{InfluxSchema.DriftScore}\"", database);
        Assert.Equal(Batches * ScoresPerBatch, (long)Assert.Single(count.Series).Numbers("count").Single()!.Value);
        Assert.True(acknowledgedWhileDown < Batches, "the writer finished before the outage was noticed");
        Assert.Equal(1, logger.Count(4101));
        Assert.Equal(1, logger.Count(4102));
        Assert.False(sink.IsDown);
    }

    // Every point is its own series-and-time pair, so a lost point or a duplicate would change the count.
    private static ResultBatch Batch(int index)
    {
        var at = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero).AddSeconds(index);
        var scores = Enumerable.Range(0, ScoresPerBatch)
            .Select(j => new FeatureScore(new BehaviourKey($"agent-{j % 5}", "production", "route"), $"metrics.m{j}", "ks",
                0.01 * j, 0.2, at, at.AddMinutes(-5), at, 2000, 200))
            .ToList();
        return new ResultBatch(scores, [], [], null);
    }
}
