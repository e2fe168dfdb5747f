using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace DriftWatch.Ml.Text;

/// <summary>The outcome of one domain-classifier test.</summary>
internal readonly record struct DomainClassifierResult(double Auc, double Threshold, int TestReference, int TestWindow);

/// <summary>
/// Tells reference texts from window texts: word n-gram bags (ML.NET FeaturizeText, L2-normalised) and an
/// L-BFGS logistic regression, fitted on a seeded stratified split and scored by its AUC on the held-out
/// rows. Single-threaded and seeded, so the same texts always give the same AUC.
/// </summary>
internal sealed class DomainClassifier(DomainClassifierOptions options)
{
    public DomainClassifierResult Test(IReadOnlyList<string> reference, IReadOnlyList<string> window, int seed, double z)
    {
        var random = new Random(seed);
        var (trainReference, testReference) = Split(reference, options.TestFraction, random);
        var (trainWindow, testWindow) = Split(window, options.TestFraction, random);

        var train = new List<TextRow>(trainReference.Count + trainWindow.Count);
        train.AddRange(trainReference.Select(t => new TextRow { Text = t, Label = false }));
        train.AddRange(trainWindow.Select(t => new TextRow { Text = t, Label = true }));
        var test = new List<TextRow>(testReference.Count + testWindow.Count);
        test.AddRange(testReference.Select(t => new TextRow { Text = t, Label = false }));
        test.AddRange(testWindow.Select(t => new TextRow { Text = t, Label = true }));

        var ml = new MLContext(seed);
        var featurizer = new TextFeaturizingEstimator.Options
        {
            WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = options.NgramLength, UseAllLengths = true },
            CharFeatureExtractor = null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
            KeepPunctuations = false,
        };
        var trainer = new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            LabelColumnName = nameof(TextRow.Label),
            FeatureColumnName = "Features",
            NumberOfThreads = 1,
            // Only the ranking of held-out rows matters, so a strongly regularised, loosely converged fit does:
            // on separable windows (real drift) an unregularised one iterates to its cap for no better AUC.
            L2Regularization = 1f,
            OptimizationTolerance = 1e-4f,
            MaximumNumberOfIterations = 30,
        };
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", featurizer, nameof(TextRow.Text))
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(trainer));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(train));
        var scored = model.Transform(ml.Data.LoadFromEnumerable(test));
        float[] scores = scored.GetColumn<float>("Score").ToArray();

        var negatives = new double[testReference.Count];
        var positives = new double[testWindow.Count];
        for (int i = 0; i < negatives.Length; i++)
        {
            negatives[i] = scores[i];
        }

        for (int j = 0; j < positives.Length; j++)
        {
            positives[j] = scores[negatives.Length + j];
        }

        double auc = Auc.Compute(negatives, positives);
        return new DomainClassifierResult(auc, Auc.NullThreshold(negatives.Length, positives.Length, z), negatives.Length, positives.Length);
    }

    // Stratified: each side is shuffled with the seeded generator and its first share held out.
    private static (List<string> Train, List<string> Test) Split(IReadOnlyList<string> texts, double testFraction, Random random)
    {
        int[] order = Enumerable.Range(0, texts.Count).ToArray();
        random.Shuffle(order);
        int testCount = Math.Max(1, (int)Math.Round(texts.Count * testFraction));
        var test = new List<string>(testCount);
        var train = new List<string>(texts.Count - testCount);
        for (int i = 0; i < order.Length; i++)
        {
            (i < testCount ? test : train).Add(texts[order[i]]);
        }

        return (train, test);
    }

    /// <summary>One labelled text; public members because ML.NET binds columns by reflection.</summary>
    internal sealed class TextRow
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }
}
