using DriftWatch.Core.Results;
using Microsoft.Extensions.DependencyInjection;

namespace DriftWatch.InfluxDb.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddInfluxResultSink_Configured_ResolvesOneSinkAsIResultSink()
    {
        var services = new ServiceCollection();
        services.AddInfluxResultSink(o =>
        {
            o.Mode = InfluxWriteMode.V1;
            o.Url = new Uri("http://127.0.0.1:1/");
        });
        await using var provider = services.BuildServiceProvider();

        var sink = provider.GetRequiredService<IResultSink>();

        Assert.Same(provider.GetRequiredService<InfluxResultSink>(), sink);
        Assert.Equal("influxdb", sink.Name);
    }

    [Fact]
    public async Task AddInfluxResultSink_InvalidOptions_ResolvingThrowsNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddInfluxResultSink(o => o.Mode = InfluxWriteMode.V2);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => { _ = provider.GetRequiredService<IResultSink>(); });

        Assert.Equal(nameof(InfluxSinkOptions.Token), error.ParamName);
    }
}
