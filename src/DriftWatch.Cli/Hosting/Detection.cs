using DriftWatch.Core.Detection;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Hosting;

/// <summary>The drift monitor from the <c>Detection</c> settings section.</summary>
internal static class Detection
{
    internal static DriftMonitorOptions Options(IConfiguration configuration)
    {
        var options = new DriftMonitorOptions();
        configuration.GetSection("Detection").Bind(options);
        options.Validate();
        return options;
    }

    internal static IDriftMonitor CreateMonitor(DriftWatchSettings settings) => new DriftMonitor(Options(settings.Configuration));
}
