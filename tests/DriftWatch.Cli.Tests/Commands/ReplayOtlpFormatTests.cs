using System.Text;
using DriftWatch.Core.Events;
using DriftWatch.Otlp.Decoding;
using DriftWatch.Otlp.Mapping;

namespace DriftWatch.Cli.Tests.Commands;

public sealed class ReplayOtlpFormatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-replay-otlp-").FullName;

    [Fact]
    public async Task Replay_OtlpJsonOfTheSameDecisions_WritesTheSameAlerts()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke("simulate", "--output", events, "--agents", "2", "--events", "8000", "--seed", "11", "--drift", "misrouting:agent=support-router,onset=0.5"));
        // Spans carry decisions only; state-change events have no span form, so both files hold decisions only.
        var decisions = Path.Combine(_directory, "decisions.jsonl");
        await File.WriteAllLinesAsync(decisions, (await File.ReadAllLinesAsync(events)).Where(l => l.Contains("\"driftwatch.decision/v1\"", StringComparison.Ordinal)));
        var otlp = Path.Combine(_directory, "traces.jsonl");
        await WriteCollectorLinesAsync(decisions, otlp, perLine: 3);

        var fromEvents = Path.Combine(_directory, "alerts-events.jsonl");
        var fromSpans = Path.Combine(_directory, "alerts-otlp.jsonl");
        Assert.Equal(0, await Invoke("replay", "--input", decisions, "--alerts-out", fromEvents));
        Assert.Equal(0, await Invoke("replay", "--input", otlp, "--alerts-out", fromSpans, "--format", "otlp-json"));

        var expected = await File.ReadAllLinesAsync(fromEvents);
        var actual = await File.ReadAllLinesAsync(fromSpans);
        Assert.NotEmpty(expected);
        Assert.All(actual, line => Assert.Contains("\"exemplars\"", line, StringComparison.Ordinal));

        // Exemplars name decisions by event id, which a span maps from its span id: the rest must be identical.
        Assert.Equal(expected.Select(WithoutExemplars), actual.Select(WithoutExemplars));
    }

    private static string WithoutExemplars(string line)
    {
        var alert = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        alert.Remove("exemplars");
        return alert.ToJsonString();
    }

    [Fact]
    public async Task Replay_OtlpJsonWithBadLineAndAnonymousSpan_ReportsThemAndExitsZero()
    {
        var otlp = Path.Combine(_directory, "traces.jsonl");
        var good = new DecisionEvent { EventId = "e1", AgentId = "a1", Timestamp = DateTimeOffset.UnixEpoch.AddYears(56), DecisionName = "route", Outcome = "billing" };
        string line = OtlpJson.Format(DecisionSpanEncoder.ToRequest([good]));
        string anonymous = line.Replace("\"service.name\"", "\"service.other\"", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(otlp, [line, "{not json", anonymous]);

        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await Invoke("replay", "--input", otlp, "--alerts-out", Path.Combine(_directory, "alerts.jsonl"), "--format", "otlp-json");
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(0, exit);
        string report = error.ToString();
        Assert.Contains("line 2: json: invalid JSON", report, StringComparison.Ordinal);
        Assert.Contains("line 3: 1 decision span(s) rejected; first: span", report, StringComparison.Ordinal);
        Assert.Contains("1 decisions", report, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>What a Collector file exporter writes for these decisions: one export request per line.</summary>
    private static async Task WriteCollectorLinesAsync(string eventsPath, string otlpPath, int perLine)
    {
        var batch = new List<DecisionEvent>();
        await using var writer = new StreamWriter(otlpPath, false, new UTF8Encoding(false));
        foreach (string line in await File.ReadAllLinesAsync(eventsPath))
        {
            var parsed = AgentEventParser.Parse(Encoding.UTF8.GetBytes(line));
            Assert.True(parsed.Kind == AgentEventKind.Decision, parsed.Error);
            batch.Add(parsed.Decision!);
            if (batch.Count == perLine)
            {
                await writer.WriteLineAsync(OtlpJson.Format(DecisionSpanEncoder.ToRequest(batch)));
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await writer.WriteLineAsync(OtlpJson.Format(DecisionSpanEncoder.ToRequest(batch)));
        }
    }

    private static Task<int> Invoke(params string[] args) => CliApplication.RunAsync(args);
}
