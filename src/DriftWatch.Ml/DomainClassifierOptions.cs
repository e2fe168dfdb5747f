using DriftWatch.Core.Features;

namespace DriftWatch.Ml;

/// <summary>
/// Settings of the domain classifier: word n-grams and a logistic regression (ML.NET) trained to tell the
/// reference's texts from the window's, scored by its AUC on a held-out split (0.5 = indistinguishable).
/// </summary>
public sealed class DomainClassifierOptions
{
    /// <summary>Whether the detector runs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Whether it compares output.text. Default true.</summary>
    public bool OutputText { get; set; } = true;

    /// <summary>Whether it compares input.text. Default true.</summary>
    public bool InputText { get; set; } = true;

    /// <summary>Reference texts kept per feature (a seeded reservoir sample of the reference window). Default 250.</summary>
    public int ReferenceSample { get; set; } = 250;

    /// <summary>Window texts used per feature (a seeded sample of the window). Default 250.</summary>
    public int WindowSample { get; set; } = 250;

    /// <summary>Fewest texts a window must have for the feature to be tested. Default 50.</summary>
    public int MinWindowTexts { get; set; } = 50;

    /// <summary>Share of each side held out to measure the AUC. Default 0.4.</summary>
    public double TestFraction { get; set; } = 0.4;

    /// <summary>Longest word n-gram (1 = words only). Default 2.</summary>
    public int NgramLength { get; set; } = 2;

    /// <summary>Run on every n-th window of a behaviour, to bound its cost on fast streams. Default 1.</summary>
    public int EveryNthWindow { get; set; } = 1;

    /// <summary>The contract names of the compared features, output first.</summary>
    internal IReadOnlyList<string> Features =>
        [.. new[] { (OutputText, FeatureNames.OutputText), (InputText, FeatureNames.InputText) }.Where(f => f.Item1).Select(f => f.Item2)];

    internal void Validate()
    {
        MlDetectionOptions.Require(!Enabled || OutputText || InputText, "DomainClassifier.OutputText", OutputText, "or InputText must be true while the classifier is enabled");
        MlDetectionOptions.Require(ReferenceSample is >= 20 and <= 5000, "DomainClassifier.ReferenceSample", ReferenceSample, "must be in [20, 5000]");
        MlDetectionOptions.Require(WindowSample is >= 20 and <= 5000, "DomainClassifier.WindowSample", WindowSample, "must be in [20, 5000]");
        MlDetectionOptions.Require(MinWindowTexts >= 10 && MinWindowTexts <= WindowSample, "DomainClassifier.MinWindowTexts", MinWindowTexts, "must be at least 10 and at most WindowSample");
        MlDetectionOptions.Require(TestFraction is >= 0.1 and <= 0.5, "DomainClassifier.TestFraction", TestFraction, "must be in [0.1, 0.5]");
        MlDetectionOptions.Require(NgramLength is >= 1 and <= 3, "DomainClassifier.NgramLength", NgramLength, "must be in [1, 3]");
        MlDetectionOptions.Require(EveryNthWindow is >= 1 and <= 100, "DomainClassifier.EveryNthWindow", EveryNthWindow, "must be in [1, 100]");
    }
}
