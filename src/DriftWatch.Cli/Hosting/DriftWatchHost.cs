using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Hosting;

/// <summary>Runs the service on a Generic Host until cancelled; the process's signal handling stays with the command line.</summary>
internal static class DriftWatchHost
{
    /// <summary>
    /// The override of modes whose events come from a file (<c>replay</c>): no Kafka consumer, so the <c>Kafka</c>
    /// section is not required, and warnings only, so a replay's output is its data.
    /// </summary>
    internal static void FileSource(DriftWatchSettings settings)
    {
        settings.ConsumesKafka = false;
        settings.OverrideLogLevel(nameof(Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    /// <summary>Builds the host (not started) with the service and console logging at the configured level.</summary>
    internal static IHost Build(IConfiguration configuration, Action<DriftWatchSettings>? configure = null)
    {
        // The log level is itself a setting (and an override), so it is read before the host's logging is built.
        var probe = DriftWatchSettings.From(configuration);
        configure?.Invoke(probe);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        Logging.Configure(builder.Logging, probe.LogLevel);
        builder.Services.AddDriftWatch(configuration, configure);
        builder.Services.AddSingleton<IHostLifetime, CommandLineLifetime>();
        builder.Services.Configure<HostOptions>(host =>
        {
            // Draining waits for the sinks and the final commit, as long as that takes: a cut-short drain
            // would only replay the same events on the next start.
            host.ShutdownTimeout = Timeout.InfiniteTimeSpan;
            host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost;
        });
        return builder.Build();
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled or the pipeline ends; rethrows a pipeline failure.</summary>
    internal static async Task<int> RunAsync(IConfiguration configuration, Action<DriftWatchSettings>? configure, CancellationToken cancellationToken)
    {
        var host = Build(configuration, configure);
        // Resolved before running: RunAsync disposes the host, and with it the service provider.
        var service = host.Services.GetServices<IHostedService>().OfType<DriftWatchService>().Single();
        await host.RunAsync(cancellationToken).ConfigureAwait(false);
        service.Failure?.Throw();
        return 0;
    }

    /// <summary>
    /// Ctrl-C and SIGTERM are handled once, by <see cref="CliApplication"/>, which cancels the token the host runs
    /// under; the default console lifetime would register a second set of handlers.
    /// </summary>
    private sealed class CommandLineLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
