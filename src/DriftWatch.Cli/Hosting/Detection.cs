using DriftWatch.Core.Detection;
using DriftWatch.Ml;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Hosting;

/// <summary>
/// The drift monitor from the <c>Detection</c> settings section: the statistical detectors, plus the ML.NET
/// detectors (domain classifier, PCA window anomaly, optional MiniLM embeddings) when
/// <c>Detection:Ml:Enabled</c> is true. <c>run</c> and <c>replay</c> build it the same way, so a recording
/// replays with the detectors that saw it live.
/// </summary>
internal static class Detection
{
    internal static DriftMonitorOptions Options(IConfiguration configuration)
    {
        var options = new DriftMonitorOptions();
        configuration.GetSection("Detection").Bind(options);
        options.Validate();
        return options;
    }

    internal static IDriftMonitor CreateMonitor(DriftWatchSettings settings)
    {
        var options = Options(settings.Configuration);
        var ml = settings.Configuration.GetSection("Detection:Ml");
        if (!ml.GetValue("Enabled", defaultValue: false))
        {
            return new DriftMonitor(options);
        }

        var mlOptions = new MlDetectionOptions();
        ml.Bind(mlOptions);
        mlOptions.Validate();
        return MlDriftMonitor.Create(options, mlOptions);
    }
}
