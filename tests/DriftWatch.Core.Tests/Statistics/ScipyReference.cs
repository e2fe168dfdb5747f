using System.Text.Json;

namespace DriftWatch.Core.Tests.Statistics;

/// <summary>Reference values produced by Statistics/reference/generate.py (scipy 1.10).</summary>
internal static class ScipyReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Statistics", "reference", "reference.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Cases(string name) => Root.GetProperty(name).EnumerateArray();

    public static double[] Doubles(JsonElement element) =>
        element.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    /// <summary>Relative comparison at 1e-9, with an absolute floor for values that are exactly zero.</summary>
    public static void Close(double expected, double actual, double relative = 1e-9, string? what = null)
    {
        double tolerance = Math.Max(relative * Math.Abs(expected), 1e-14);
        Assert.True(
            Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):R})");
    }
}
