using DriftWatch.Cli.Hosting;
using Microsoft.Extensions.Configuration;

namespace DriftWatch.Cli.Tests.Snapshots;

public sealed class SnapshotRecordingTests
{
    [Fact]
    public void Options_NoReferenceEventsSetting_FollowsTheDetectorReferenceSize()
    {
        var options = SnapshotRecording.Options(Configuration(("Detection:ReferenceSize", "500"), ("Snapshots:Interval", "00:10:00")));

        Assert.Equal(500, options.ReferenceEvents);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Interval);
        Assert.True(options.Enabled);
    }

    [Fact]
    public void Options_ReferenceEventsSet_OverridesTheDetectorReferenceSize()
    {
        var options = SnapshotRecording.Options(Configuration(("Detection:ReferenceSize", "500"), ("Snapshots:ReferenceEvents", "800")));

        Assert.Equal(800, options.ReferenceEvents);
    }

    [Fact]
    public void Options_SameEnvironmentTwice_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => SnapshotRecording.Options(Configuration(("Snapshots:CandidateEnvironment", "production"))));

        Assert.Contains("CandidateEnvironment", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(static s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
}
