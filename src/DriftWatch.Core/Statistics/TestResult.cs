namespace DriftWatch.Core.Statistics;

/// <summary>A test statistic with its degrees of freedom (where the test has them) and p-value.</summary>
internal readonly record struct TestResult(double Statistic, double DegreesOfFreedom, double PValue);
