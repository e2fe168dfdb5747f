using DriftWatch.Core.Events;
using DriftWatch.Ml.Internal;
using DriftWatch.Ml.Text;

namespace DriftWatch.Ml.Tests;

public sealed class DomainClassifierTests
{
    private static readonly double Z = DriftWatch.Core.Statistics.SpecialFunctions.NormalInverseSurvival(8.3e-4);

    [Fact]
    public void Test_NewReplyVocabulary_AucAboveThreshold()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5");
        var classifier = new DomainClassifier(new DomainClassifierOptions());

        var result = classifier.Test(Texts(events, 0, 250, e => e.OutputText), Texts(events, 4000, 250, e => e.OutputText), seed: 5, Z);

        Assert.True(result.Auc > result.Threshold, $"AUC {result.Auc} <= {result.Threshold}");
        Assert.True(result.Auc > 0.8, $"AUC {result.Auc}");
    }

    [Fact]
    public void Test_QuietStream_AucBelowThreshold()
    {
        var events = Streams.Decisions(null);
        var classifier = new DomainClassifier(new DomainClassifierOptions());

        foreach (int start in new[] { 2500, 4000, 5500 })
        {
            var output = classifier.Test(Texts(events, 0, 250, e => e.OutputText), Texts(events, start, 250, e => e.OutputText), seed: start, Z);
            var input = classifier.Test(Texts(events, 0, 250, e => e.InputText), Texts(events, start, 250, e => e.InputText), seed: start, Z);

            Assert.True(output.Auc <= output.Threshold, $"output AUC {output.Auc} > {output.Threshold} at {start}");
            Assert.True(input.Auc <= input.Threshold, $"input AUC {input.Auc} > {input.Threshold} at {start}");
        }
    }

    [Fact]
    public void Test_SameSeed_SameAuc()
    {
        var events = Streams.Decisions("new-reply-vocabulary:onset=0.5");
        var classifier = new DomainClassifier(new DomainClassifierOptions());
        var reference = Texts(events, 0, 250, e => e.OutputText);
        var window = Texts(events, 2900, 250, e => e.OutputText);

        var first = classifier.Test(reference, window, seed: 3, Z);
        var second = classifier.Test(reference, window, seed: 3, Z);

        Assert.Equal(first, second);
    }

    private static List<string> Texts(IReadOnlyList<DecisionEvent> events, int start, int count, Func<DecisionEvent, string?> text) =>
        [.. events.Skip(start).Take(count).Select(text).OfType<string>()];
}
