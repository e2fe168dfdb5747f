namespace DriftWatch.Ml.Tests;

public sealed class MlDetectionOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        var options = new MlDetectionOptions();

        options.Validate();

        Assert.True(options.DomainClassifier.Enabled);
        Assert.True(options.PcaAnomaly.Enabled);
        Assert.False(options.Embeddings.Enabled);
    }

    public static TheoryData<string, Action<MlDetectionOptions>> InvalidSettings => new()
    {
        { "TargetEventsBetweenFalseAlarms", o => o.TargetEventsBetweenFalseAlarms = 10 },
        { "RearmAfterQuietWindows", o => o.RearmAfterQuietWindows = 0 },
        { "DomainClassifier.TestFraction", o => o.DomainClassifier.TestFraction = 0.9 },
        { "DomainClassifier.EveryNthWindow", o => o.DomainClassifier.EveryNthWindow = 0 },
        { "DomainClassifier.OutputText", o => (o.DomainClassifier.OutputText, o.DomainClassifier.InputText) = (false, false) },
        { "DomainClassifier.MinWindowTexts", o => o.DomainClassifier.MinWindowTexts = 500 },
        { "PcaAnomaly.Rank", o => o.PcaAnomaly.Rank = 0 },
        { "PcaAnomaly.ThresholdMargin", o => o.PcaAnomaly.ThresholdMargin = 0.5 },
        { "Embeddings.SampleSize", o => o.Embeddings.SampleSize = 2 },
        { "Embeddings.CacheCapacity", o => o.Embeddings.CacheCapacity = 10 },
        { "Embeddings.Permutations", o => o.Embeddings.Permutations = 10 },
        { "Embeddings", o => o.Embeddings = null! },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Validate_InvalidSetting_ThrowsNamingIt(string setting, Action<MlDetectionOptions> spoil)
    {
        var options = new MlDetectionOptions();
        spoil(options);

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, error.ParamName);
        Assert.Contains("MlDetectionOptions." + setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DisabledClassifierWithoutFeatures_Passes()
    {
        var options = new MlDetectionOptions { DomainClassifier = { Enabled = false, OutputText = false, InputText = false } };

        options.Validate();

        Assert.False(options.DomainClassifier.Enabled);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var options = new MlDetectionOptions { PcaAnomaly = { MinWindowEvents = 1 } };

        Assert.Throws<ArgumentOutOfRangeException>(() => MlDriftMonitor.Create(null, options));
    }
}
