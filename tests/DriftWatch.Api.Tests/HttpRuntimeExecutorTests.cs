using DriftWatch.Api.Hosting;
using DriftWatch.Api.Rollback;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DriftWatch.Api.Tests;

public sealed class HttpRuntimeExecutorTests
{
    private static RollbackCommand Command() => new()
    {
        CommandId = "c-1",
        AgentId = "agent",
        Environment = "production",
        IssuedAt = DateTimeOffset.UnixEpoch,
        Target = new RollbackTarget { StateVersion = "mem-000001" },
        Scope = new RollbackScope(),
        Reason = new RollbackReason { Source = "grafana", Fingerprint = "f", StartsAt = DateTimeOffset.UnixEpoch, Feature = "x" },
    };

    /// <summary>A runtime endpoint on a free port that answers with the given status codes in turn.</summary>
    private static async Task<(WebApplication App, Uri Url, Func<int> Calls)> RuntimeAsync(params int[] statuses)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var calls = 0;
        app.MapPost("/control/rollback", context =>
        {
            var n = Interlocked.Increment(ref calls);
            context.Response.StatusCode = statuses[Math.Min(n, statuses.Length) - 1];
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return (app, new Uri(new Uri(app.Urls.First()), "/control/rollback"), () => Volatile.Read(ref calls));
    }

    private static HttpRuntimeExecutor Executor(Uri url, HttpClient http, int attempts = 4) => new(
        http,
        new RollbackOptions
        {
            RuntimeUrls = new Dictionary<string, string> { ["agent"] = url.ToString() },
            MaxAttempts = attempts,
            InitialBackoff = TimeSpan.FromMilliseconds(1),
            MaxBackoff = TimeSpan.FromMilliseconds(4),
        },
        TimeProvider.System);

    [Fact]
    public async Task ExecuteAsync_TransientFailuresThenSuccess_RetriesUntilDelivered()
    {
        var (app, url, calls) = await RuntimeAsync(503, 503, 200);
        await using var _ = app;
        using var http = new HttpClient();

        var delivery = await Executor(url, http).ExecuteAsync(Command(), CancellationToken.None);

        Assert.True(delivery.Succeeded, delivery.Detail);
        Assert.Equal(3, calls());
        Assert.Contains("after 3 attempt(s)", delivery.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_RuntimeRefuses_DoesNotRetry()
    {
        var (app, url, calls) = await RuntimeAsync(422);
        await using var _ = app;
        using var http = new HttpClient();

        var delivery = await Executor(url, http).ExecuteAsync(Command(), CancellationToken.None);

        Assert.False(delivery.Succeeded);
        Assert.Equal(1, calls());
    }

    [Fact]
    public async Task ExecuteAsync_AlwaysUnavailable_GivesUpAfterMaxAttempts()
    {
        var (app, url, calls) = await RuntimeAsync(503);
        await using var _ = app;
        using var http = new HttpClient();

        var delivery = await Executor(url, http, attempts: 3).ExecuteAsync(Command(), CancellationToken.None);

        Assert.False(delivery.Succeeded);
        Assert.Equal(3, calls());
    }
}
