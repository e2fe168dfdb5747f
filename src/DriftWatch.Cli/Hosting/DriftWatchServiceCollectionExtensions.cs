using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DriftWatch.Cli.Hosting;

/// <summary>Registers the DriftWatch service on a .NET Generic Host: one assembly for <c>run</c>, <c>demo</c> and <c>replay</c>.</summary>
internal static class DriftWatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds the DriftWatch service: settings bound from <paramref name="configuration"/> (unknown keys in known
    /// sections rejected at once, every other setting validated when the host starts, with messages naming the
    /// setting), the ingest pipeline as a hosted service and, when <c>Api</c> authenticates webhooks, the HTTP API
    /// beside it. Callers differ only in <paramref name="configure"/>, applied after binding.
    /// </summary>
    internal static IServiceCollection AddDriftWatch(this IServiceCollection services, IConfiguration configuration, Action<DriftWatchSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = DriftWatchSettings.From(configuration);
        services.AddSingleton<IOptionsFactory<DriftWatchSettings>>(provider => new SettingsFactory(
            settings,
            provider.GetServices<IConfigureOptions<DriftWatchSettings>>(),
            provider.GetServices<IPostConfigureOptions<DriftWatchSettings>>(),
            provider.GetServices<IValidateOptions<DriftWatchSettings>>()));
        var options = services.AddOptions<DriftWatchSettings>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DriftWatchSettings>, DriftWatchSettingsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DriftMetrics>();
        services.TryAddSingleton<DriftWatchComponents>();
        services.AddHostedService<DriftWatchService>();
        return services;
    }

    /// <summary>
    /// The API's settings from the <c>Api</c> section, with the one Kafka client configuration of the service:
    /// the control and audit producer connects like the consumer (bootstrap servers and <c>Kafka:Extra</c>).
    /// Null when neither <c>Api:Url</c> nor webhook authentication is configured. Without webhook authentication the
    /// API serves metrics and health only: an unauthenticated rollback endpoint is never started.
    /// </summary>
    internal static DriftWatchApiBuilder? ApiBuilder(DriftWatchSettings settings)
    {
        var options = ApiOptions(settings);
        if (options is null)
        {
            return null;
        }

        var builder = new DriftWatchApiBuilder(options);
        if (!ServesWebhooks(options))
        {
            return builder.WithoutWebhooks();
        }

        return builder.ConfigureKafkaProducer(config =>
        {
            settings.Kafka.ApplyClientSettings(config);
            if (options.Rollback.KafkaBootstrapServers is { Length: > 0 } servers)
            {
                // An explicit Api:Rollback:KafkaBootstrapServers names another cluster for commands.
                config.BootstrapServers = servers;
            }
        });
    }

    internal static DriftWatchApiOptions? ApiOptions(DriftWatchSettings settings)
    {
        var options = new DriftWatchApiOptions();
        settings.Configuration.GetSection("Api").Bind(options);
        // Metrics and health are served whenever an address is given; webhooks only with their authentication.
        if (!ServesWebhooks(options) && string.IsNullOrWhiteSpace(settings.Configuration["Api:Url"]))
        {
            return null;
        }

        options.Rollback.KafkaBootstrapServers ??= settings.Kafka.BootstrapServers;
        return options;
    }

    /// <summary>True when webhook authentication is configured, the condition for the webhooks, audit trail and rollback delivery.</summary>
    internal static bool ServesWebhooks(DriftWatchApiOptions options) =>
        !string.IsNullOrEmpty(options.GrafanaHmacSecret) || !string.IsNullOrEmpty(options.BearerToken);

    /// <summary>Settings are bound once, by <see cref="DriftWatchSettings.From"/>; the factory hands out that instance.</summary>
    private sealed class SettingsFactory(
        DriftWatchSettings settings,
        IEnumerable<IConfigureOptions<DriftWatchSettings>> setups,
        IEnumerable<IPostConfigureOptions<DriftWatchSettings>> postConfigures,
        IEnumerable<IValidateOptions<DriftWatchSettings>> validations)
        : OptionsFactory<DriftWatchSettings>(setups, postConfigures, validations)
    {
        protected override DriftWatchSettings CreateInstance(string name) => settings;
    }
}
