using System.Text.Json;

namespace DriftWatch.Cli.Tests.Commands;

public sealed class SnapshotCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-snapshot-").FullName;

    [Fact]
    public async Task TakeAndDiff_BeforeAndAfterMisrouting_RanksTheDriftedSegmentFirst()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        var store = Path.Combine(_directory, "store");
        Assert.Equal(0, await Run("simulate", "--output", events, "--agents", "1", "--events", "8000", "--rate", "10", "--drift", "misrouting:onset=0.5"));
        // 4,000 decisions at 10/s per agent: the onset is 400 s after the start.
        var good = await Capture(() => Run("snapshot", "take", "--input", events, "--agent", "support-router", "--to", "2026-03-02T08:06:30Z", "--store", store));
        var bad = await Capture(() => Run("snapshot", "take", "--input", events, "--agent", "support-router", "--from", "2026-03-02T08:06:45Z", "--store", store));
        Assert.StartsWith("sha256:", good.Trim(), StringComparison.Ordinal);
        Assert.NotEqual(good, bad);

        var json = Path.Combine(_directory, "diff.json");
        Assert.Equal(0, await Run("snapshot", "diff", good.Trim(), bad.Trim(), "--store", store, "--format", "json", "--output", json));
        using var diff = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var text = diff.RootElement.ToString();
        Assert.Contains("urgency=high", text, StringComparison.Ordinal);

        var same = await Capture(() => Run("snapshot", "take", "--input", events, "--agent", "support-router", "--to", "2026-03-02T08:06:30Z", "--store", store));
        Assert.Equal(good, same);
    }

    [Fact]
    public async Task Compare_StagingWithNewReplyVocabulary_WritesHtmlAndScoresAboveIdenticalEnvironments()
    {
        var production = Path.Combine(_directory, "production.jsonl");
        var staging = Path.Combine(_directory, "staging.jsonl");
        var both = Path.Combine(_directory, "both.jsonl");
        Assert.Equal(0, await Run("simulate", "--output", production, "--agents", "1", "--events", "3000", "--seed", "1"));
        Assert.Equal(0, await Run("simulate", "--output", staging, "--agents", "1", "--events", "3000", "--seed", "2", "--environment", "staging", "--drift", "new-reply-vocabulary:onset=0"));
        await File.WriteAllLinesAsync(both, (await File.ReadAllLinesAsync(production)).Concat(await File.ReadAllLinesAsync(staging)));

        var html = Path.Combine(_directory, "compare.html");
        var error = await CaptureError(() => Run("compare", "--input", both, "--agent", "support-router", "--format", "html", "--output", html));
        Assert.Contains("drift score", error, StringComparison.Ordinal);
        var page = await File.ReadAllTextAsync(html);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", page, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<int> Run(params string[] args) => CliApplication.RunAsync(args);

    private static async Task<string> Capture(Func<Task<int>> action)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await action());
        }
        finally
        {
            Console.SetOut(original);
        }

        return output.ToString();
    }

    private static async Task<string> CaptureError(Func<Task<int>> action)
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(0, await action());
        }
        finally
        {
            Console.SetError(original);
        }

        return error.ToString();
    }
}
