using Microsoft.Extensions.Options;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// Checks every section when the host starts and reports all invalid settings at once, each message naming
/// its setting (the options classes' own checks, which throw on the first problem, supply the messages).
/// </summary>
internal sealed class DriftWatchSettingsValidation : IValidateOptions<DriftWatchSettings>
{
    public ValidateOptionsResult Validate(string? name, DriftWatchSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ConsumesKafka)
        {
            Check(failures, options.Kafka.Validate);
        }

        Check(failures, options.Pipeline.Validate);
        Check(failures, options.State.Validate);
        Check(failures, options.Resilience.Validate);
        Check(failures, () => Detection.Options(options.Configuration));
        Check(failures, () => ResultSinks.InfluxOptions(options.Configuration));
        Check(failures, () => TracingOptions.From(options.Configuration).Validate());
        if (DriftWatchServiceCollectionExtensions.ApiOptions(options) is { } api)
        {
            failures.AddRange(DriftWatchServiceCollectionExtensions.ServesWebhooks(api) ? api.Validate() : api.ValidateListener());
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            failures.Add(ex.Message);
        }
    }
}
