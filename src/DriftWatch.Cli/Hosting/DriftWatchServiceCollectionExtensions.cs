using DriftWatch.Api.Hosting;
using DriftWatch.Api.Metrics;
using DriftWatch.Core.Results;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

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
        services.TryAddSingleton<AlertTraceRegistry>();
        AddTracing(services, configuration);
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

    /// <summary>
    /// Spans go to an OTLP collector when <c>Tracing:OtlpEndpoint</c> is set; otherwise nothing listens to the
    /// <c>DriftWatch</c> activity source and the pipeline starts no span (trace context in Kafka headers is still handed on).
    /// </summary>
    private static void AddTracing(IServiceCollection services, IConfiguration configuration)
    {
        var tracing = TracingOptions.From(configuration);
        if (string.IsNullOrEmpty(tracing.OtlpEndpoint))
        {
            return;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService("driftwatch"))
            .WithTracing(builder => builder
                .AddSource(AlertTrace.ActivitySourceName)
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(tracing.SampleRatio)))
                // Built when the host starts, after the settings were validated, so the endpoint parses.
                .AddOtlpExporter(otlp => otlp.Endpoint = new Uri(tracing.OtlpEndpoint)));
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
