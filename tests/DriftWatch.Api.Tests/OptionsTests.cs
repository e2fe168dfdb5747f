using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Rollback;

namespace DriftWatch.Api.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Validate_NoAuthentication_NamesTheSettings()
    {
        var errors = new DriftWatchApiOptions().Validate();

        Assert.Contains(errors, static e => e.Contains("GrafanaHmacSecret", StringComparison.Ordinal) && e.Contains("BearerToken", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_AllowedAgentWithoutDeliveryPath_NamesTheAgent()
    {
        var options = new DriftWatchApiOptions { BearerToken = "t", Rollback = { AllowedAgents = ["lonely"] } };

        var errors = options.Validate();

        Assert.Contains(errors, static e => e.Contains("'lonely'", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_InvalidOptions_ThrowsNamingTheSetting()
    {
        var options = new DriftWatchApiOptions { BearerToken = "t", Url = "not a url" };

        var error = Assert.Throws<InvalidOperationException>(() => new DriftWatchApiBuilder(options).Build());

        Assert.Contains("DriftWatch:Api:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_BindToLoopback()
    {
        var options = new DriftWatchApiOptions { BearerToken = "t" };

        Assert.Empty(options.Validate());
        Assert.Equal("127.0.0.1", new Uri(options.Url).Host);
        Assert.Equal(256 * 1024, options.MaxRequestBodyBytes);
    }

    [Fact]
    public async Task DeliveryRetry_TransientFailures_WaitDoublingDelaysUpToTheCap()
    {
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new LoggingTests.CollectingProvider(messages)));
        var options = new RollbackOptions
        {
            MaxAttempts = 4,
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(35),
        };
        var retry = new DeliveryRetry(options, TimeProvider.System, loggers.CreateLogger("test"), "http");

        var (succeeded, detail, attempts) = await retry.RunAsync(
            _ => Task.FromResult(new AttemptResult(AttemptOutcome.Transient, "503")),
            CancellationToken.None);

        Assert.False(succeeded);
        Assert.Equal("503", detail);
        Assert.Equal(4, attempts);
        Assert.Equal(
            ["retrying in 00:00:00.0100000", "retrying in 00:00:00.0200000", "retrying in 00:00:00.0350000"],
            messages.Select(static m => m[m.IndexOf("retrying in", StringComparison.Ordinal)..]));
    }

    [Fact]
    public async Task DeliveryRetry_PermanentFailure_IsNotRetried()
    {
        var retry = new DeliveryRetry(new RollbackOptions { MaxAttempts = 5 }, TimeProvider.System, NullLogger.Instance, "http");

        var (succeeded, _, attempts) = await retry.RunAsync(
            _ => Task.FromResult(new AttemptResult(AttemptOutcome.Permanent, "422")),
            CancellationToken.None);

        Assert.False(succeeded);
        Assert.Equal(1, attempts);
    }
}
