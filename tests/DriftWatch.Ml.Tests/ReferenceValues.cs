using System.Text.Json;

namespace DriftWatch.Ml.Tests;

/// <summary>Values from reference/generate.py (scipy/numpy).</summary>
internal static class ReferenceValues
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "reference.json"))).RootElement);

    public static JsonElement Get(string name) => Root.Value.GetProperty(name);

    public static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    public static float[][] Rows(JsonElement array) =>
        [.. array.EnumerateArray().Select(row => row.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray())];
}
