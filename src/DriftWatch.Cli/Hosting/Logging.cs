using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace DriftWatch.Cli.Hosting;

internal static class Logging
{
    /// <summary>One line per message on stderr, so stdout stays clean for data and summaries.</summary>
    internal static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => Configure(builder, level));

    /// <summary>The same console logging for a host's logging builder.</summary>
    internal static ILoggingBuilder Configure(ILoggingBuilder builder, LogLevel level) =>
        builder
            .SetMinimumLevel(level)
            .AddFilter("Akka", LogLevel.Warning)
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
                options.UseUtcTimestamp = true;
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
}
