using DriftWatch.Core.Incidents;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Kafka.State;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// Every setting of a DriftWatch process, read in this order (later wins): built-in defaults, the JSON
/// file given with --config (or ./driftwatch.json when present), DRIFTWATCH_* environment variables
/// (sections separated by a double underscore, e.g. DRIFTWATCH_Kafka__GroupId), then command-line flags.
/// </summary>
internal sealed class DriftWatchSettings
{
    internal const string EnvironmentPrefix = "DRIFTWATCH_";
    internal const string BootstrapServersVariable = "DRIFTWATCH_BOOTSTRAP_SERVERS";
    internal const string DefaultConfigFile = "driftwatch.json";

    private DriftWatchSettings(IConfiguration configuration)
    {
        Configuration = configuration;
    }

    internal IConfiguration Configuration { get; }

    internal KafkaConsumerOptions Kafka { get; } = new();

    internal PipelineOptions Pipeline { get; } = new();

    internal StateOptions State { get; } = new();

    internal ResilienceOptions Resilience { get; } = new();

    /// <summary>How alerts are grouped into incidents (section <c>Incidents</c>).</summary>
    internal IncidentOptions Incidents { get; } = new();

    /// <summary>How drift propagation between agents is traced (section <c>Propagation</c>, docs/propagation.md).</summary>
    internal Core.Propagation.PropagationOptions Propagation { get; } = new();

    internal LogLevel LogLevel { get; private set; } = LogLevel.Information;

    /// <summary>
    /// False when events come from elsewhere than Kafka (<c>replay</c> reads a file): the <c>Kafka</c> section is then
    /// neither needed nor validated. An override, never a configuration key.
    /// </summary>
    internal bool ConsumesKafka { get; set; } = true;

    /// <summary>Reads every source; <paramref name="overrides"/> (e.g. from a command such as <c>dev</c>) win over all of them.</summary>
    internal static DriftWatchSettings Load(string? configPath, IReadOnlyDictionary<string, string?>? overrides = null) =>
        From(LoadConfiguration(configPath, overrides));

    /// <summary>The layered configuration (defaults, JSON file, environment, then <paramref name="overrides"/>) before any command-line flag.</summary>
    internal static IConfiguration LoadConfiguration(string? configPath, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = new ConfigurationBuilder();
        if (configPath is not null)
        {
            if (!File.Exists(configPath))
            {
                throw new FileNotFoundException($"Configuration file '{configPath}' does not exist.", configPath);
            }

            builder.AddJsonFile(Path.GetFullPath(configPath), optional: false);
        }
        else if (File.Exists(DefaultConfigFile))
        {
            builder.AddJsonFile(Path.GetFullPath(DefaultConfigFile), optional: true);
        }

        builder.AddEnvironmentVariables(EnvironmentPrefix);
        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    /// <summary>Binds every section; unknown keys in known sections are rejected with a message naming them.</summary>
    internal static DriftWatchSettings From(IConfiguration configuration)
    {
        SettingsKeys.Validator.ThrowIfUnknown(configuration);
        var settings = new DriftWatchSettings(configuration);

        var kafka = configuration.GetSection("Kafka");
        kafka.Bind(settings.Kafka, o => o.ErrorOnUnknownConfiguration = false);
        var topics = kafka.GetSection("Topics");
        if (topics.Exists())
        {
            settings.Kafka.Topics.Clear();
            var list = topics.Value is { } single
                ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : topics.GetChildren().Select(c => c.Value ?? string.Empty);
            foreach (var topic in list)
            {
                settings.Kafka.Topics.Add(topic);
            }
        }

        foreach (var entry in kafka.GetSection("Extra").GetChildren())
        {
            settings.Kafka.Extra[entry.Key] = entry.Value ?? string.Empty;
        }

        if (Environment.GetEnvironmentVariable(BootstrapServersVariable) is { Length: > 0 } servers)
        {
            settings.Kafka.BootstrapServers = servers;
        }

        configuration.GetSection("Pipeline").Bind(settings.Pipeline);
        configuration.GetSection("State").Bind(settings.State);
        configuration.GetSection("Resilience").Bind(settings.Resilience);
        configuration.GetSection("Incidents").Bind(settings.Incidents);
        settings.Incidents.Validate();
        configuration.GetSection("Propagation").Bind(settings.Propagation);
        settings.Propagation.Validate();
        if (configuration["Logging:Level"] is { Length: > 0 } level)
        {
            settings.LogLevel = Enum.Parse<LogLevel>(level, ignoreCase: true);
        }

        return settings;
    }

    internal void OverrideLogLevel(string? level)
    {
        if (!string.IsNullOrEmpty(level))
        {
            LogLevel = Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed)
                ? parsed
                : throw new ArgumentException($"--log-level must be one of {string.Join(", ", Enum.GetNames<LogLevel>())}, got '{level}'.");
        }
    }
}
