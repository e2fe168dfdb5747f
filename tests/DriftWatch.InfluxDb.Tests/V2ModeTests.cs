using System.Net;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>
/// V2 mode (InfluxDB.Client, /api/v2/write) against a fake endpoint: no InfluxDB 2.x or 3.x server can run
/// here, so these check the request the client sends and how the sink reads the answers.
/// </summary>
public sealed class V2ModeTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_V2Mode_PostsLineProtocolWithTokenToApiV2Write_FakeEndpoint()
    {
        await using var endpoint = new FakeV2WriteEndpoint();
        await using var sink = new InfluxResultSink(Options(endpoint));
        var batch = Batch();

        await sink.WriteAsync(batch, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("/api/v2/write?", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("org=driftwatch-org", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("bucket=driftwatch", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("precision=ms", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Token secret-token", request.Authorization);
        Assert.Equal(string.Join('\n', PointBuilder.Build(batch)), request.Body);
    }

    [Fact]
    public async Task WriteAsync_V2ServiceUnavailableThenOk_RetriesAndRecovers_FakeEndpoint()
    {
        await using var endpoint = new FakeV2WriteEndpoint(HttpStatusCode.ServiceUnavailable, HttpStatusCode.Unauthorized);
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(Options(endpoint), logger);

        await sink.WriteAsync(Batch(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, endpoint.Requests.Count);
        Assert.Equal(1, logger.Count(4101));
        Assert.Equal(1, logger.Count(4102));
    }

    [Fact]
    public async Task WriteAsync_V2BadRequest_NotRetriedAndLoggedAsRejected_FakeEndpoint()
    {
        await using var endpoint = new FakeV2WriteEndpoint(HttpStatusCode.BadRequest);
        var logger = new CapturingLogger<InfluxResultSink>();
        await using var sink = new InfluxResultSink(Options(endpoint), logger);

        await sink.WriteAsync(Batch(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(endpoint.Requests);
        Assert.Equal(1, logger.Count(4103));
    }

    private static InfluxSinkOptions Options(FakeV2WriteEndpoint endpoint) => new()
    {
        Mode = InfluxWriteMode.V2,
        Url = endpoint.Url,
        Token = "secret-token",
        Organization = "driftwatch-org",
        Bucket = "driftwatch",
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(100),
    };

    private static ResultBatch Batch()
    {
        var key = new BehaviourKey("support-router", "production", "route");
        return new ResultBatch(
            [new FeatureScore(key, "decision.outcome", "chi2", 41.2, 18.5, At, At.AddMinutes(-5), At, 2000, 200)],
            [], [], new PipelineHealth(At, "dw-0", 10, 1.5, 0, 3));
    }
}
