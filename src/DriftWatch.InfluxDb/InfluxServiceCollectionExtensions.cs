using DriftWatch.Core.Results;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DriftWatch.InfluxDb;

/// <summary>Registers the InfluxDB result sink with a service collection.</summary>
public static class InfluxServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="InfluxResultSink"/> as a singleton, also resolvable as <see cref="IResultSink"/>.
    /// Options are validated when the sink is first resolved; an unusable setting throws an
    /// <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static IServiceCollection AddInfluxResultSink(
        this IServiceCollection services,
        Action<InfluxSinkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new InfluxResultSink(
            sp.GetRequiredService<IOptions<InfluxSinkOptions>>().Value,
            sp.GetService<ILogger<InfluxResultSink>>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IResultSink>(sp => sp.GetRequiredService<InfluxResultSink>());
        return services;
    }
}
