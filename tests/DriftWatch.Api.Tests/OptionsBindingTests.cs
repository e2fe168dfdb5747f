using DriftWatch.Api.Hosting;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Api.Tests;

public sealed class OptionsBindingTests
{
    [Fact]
    public void Bind_ConfigurationSection_FillsEverySettingKind()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DriftWatch:Api:Url"] = "http://127.0.0.1:9500",
            ["DriftWatch:Api:BearerToken"] = "t",
            ["DriftWatch:Api:GrafanaTimestampTolerance"] = "00:02:00",
            ["DriftWatch:Api:Rollback:AllowedAgents:0"] = "support-router",
            ["DriftWatch:Api:Rollback:RuntimeUrls:support-router"] = "http://127.0.0.1:9470/control/rollback",
            ["DriftWatch:Api:Rollback:DryRun"] = "true",
        }).Build();

        var options = configuration.GetSection("DriftWatch:Api").Get<DriftWatchApiOptions>()!;

        Assert.Equal("http://127.0.0.1:9500", options.Url);
        Assert.Equal(TimeSpan.FromMinutes(2), options.GrafanaTimestampTolerance);
        Assert.Equal(["support-router"], options.Rollback.AllowedAgents);
        Assert.Equal("http://127.0.0.1:9470/control/rollback", options.Rollback.RuntimeUrls["support-router"]);
        Assert.True(options.Rollback.DryRun);
        Assert.Empty(options.Validate());
    }
}
