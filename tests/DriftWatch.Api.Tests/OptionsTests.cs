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
    public void DelayBefore_Retries_DoubleUpToTheCap()
    {
        var initial = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromMilliseconds(350);

        var delays = Enumerable.Range(1, 4).Select(n => Backoff.DelayBefore(n, initial, max).TotalMilliseconds).ToArray();

        Assert.Equal([100d, 200d, 350d, 350d], delays);
    }
}
