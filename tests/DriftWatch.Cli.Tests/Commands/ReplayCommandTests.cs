using System.Text.Json;

namespace DriftWatch.Cli.Tests.Commands;

public sealed class ReplayCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-replay-").FullName;

    [Fact]
    public async Task Replay_SameFileTwice_WritesIdenticalAlertsThatNameTheInjectedDrift()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        var manifest = Path.Combine(_directory, "truth.json");
        Assert.Equal(0, await Invoke("simulate", "--output", events, "--agents", "2", "--events", "10000", "--seed", "7", "--drift", "misrouting:agent=support-router,onset=0.5", "--manifest", manifest));

        var first = Path.Combine(_directory, "alerts-1.jsonl");
        var second = Path.Combine(_directory, "alerts-2.jsonl");
        Assert.Equal(0, await Invoke("replay", "--input", events, "--alerts-out", first));
        Assert.Equal(0, await Invoke("replay", "--input", events, "--alerts-out", second));

        var alerts = await File.ReadAllLinesAsync(first);
        Assert.Equal(alerts, await File.ReadAllLinesAsync(second));
        Assert.NotEmpty(alerts);
        using var truth = JsonDocument.Parse(await File.ReadAllTextAsync(manifest));
        var scenario = truth.RootElement.GetProperty("scenarios")[0];
        var onset = scenario.GetProperty("onset_timestamp").GetDateTimeOffset();
        var firstAlert = alerts.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(a => a.GetProperty("agent_id").GetString() == "support-router")
            .First(a => a.GetProperty("detected_at").GetDateTimeOffset() >= onset);
        Assert.Equal(scenario.GetProperty("expected_feature").GetString(), firstAlert.GetProperty("feature").GetString());
        foreach (var field in new[] { "agent_id", "environment", "feature", "detector", "score", "threshold", "severity", "detected_at", "window_start", "window_end" })
        {
            Assert.True(firstAlert.TryGetProperty(field, out _), $"alert lacks {field}");
        }
    }

    [Fact]
    public async Task Replay_IncidentsOutWholeAndInTwoParts_SameIncidentLinesNamingTheDriftedSegment()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke("simulate", "--output", events, "--agents", "2", "--events", "16000", "--seed", "5", "--drift", "misrouting:agent=support-router,onset=0.5"));
        var lines = await File.ReadAllLinesAsync(events);
        var part1 = Path.Combine(_directory, "part1.jsonl");
        var part2 = Path.Combine(_directory, "part2.jsonl");
        var split = (lines.Length * 55) / 100; // after the onset, while the drift's incident is open
        await File.WriteAllLinesAsync(part1, lines[..split]);
        await File.WriteAllLinesAsync(part2, lines[split..]);
        var whole = Path.Combine(_directory, "incidents.jsonl");
        var first = Path.Combine(_directory, "incidents-1.jsonl");
        var second = Path.Combine(_directory, "incidents-2.jsonl");
        var state = Path.Combine(_directory, "state");

        Assert.Equal(0, await Invoke("replay", "--input", events, "--alerts-out", Path.Combine(_directory, "a.jsonl"), "--incidents-out", whole));
        Assert.Equal(0, await Invoke("replay", "--input", part1, "--alerts-out", Path.Combine(_directory, "a1.jsonl"), "--incidents-out", first, "--state-out", state));
        Assert.Equal(0, await Invoke("replay", "--input", part2, "--alerts-out", Path.Combine(_directory, "a2.jsonl"), "--incidents-out", second, "--state-in", state));

        var incidents = await File.ReadAllLinesAsync(whole);
        Assert.False(File.Exists(state + ".incidents")); // the grouping state is inside the state file
        string[] parts = [.. await File.ReadAllLinesAsync(first), .. await File.ReadAllLinesAsync(second)];
        Assert.Equal(incidents, parts);
        var drift = incidents.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(i => i.GetProperty("agent_id").GetString() == "support-router")
            .GroupBy(i => i.GetProperty("id").GetString())
            .Select(g => g.Last())
            .ToList();
        var incident = Assert.Single(drift);
        Assert.Equal("driftwatch.incident/v1", incident.GetProperty("schema").GetString());
        Assert.Equal("urgency=high", incident.GetProperty("root_segment").GetString());
    }

    [Fact]
    public async Task Replay_SimulatedChainWithUpstreamDrift_ResponderIncidentNamesTheRouterAndDownstreamOnlyNamesNone()
    {
        var upstream = Path.Combine(_directory, "chain-up.jsonl");
        var downstream = Path.Combine(_directory, "chain-down.jsonl");
        Assert.Equal(0, await Invoke("simulate", "--chain", "upstream", "--events", "30000", "--rate", "25", "--output", upstream));
        Assert.Equal(0, await Invoke("simulate", "--chain", "downstream", "--events", "30000", "--rate", "25", "--output", downstream));
        var upIncidents = Path.Combine(_directory, "up-incidents.jsonl");
        var downIncidents = Path.Combine(_directory, "down-incidents.jsonl");

        Assert.Equal(0, await Invoke("replay", "--input", upstream, "--alerts-out", Path.Combine(_directory, "up.jsonl"), "--incidents-out", upIncidents));
        Assert.Equal(0, await Invoke("replay", "--input", downstream, "--alerts-out", Path.Combine(_directory, "down.jsonl"), "--incidents-out", downIncidents));

        var responder = (await File.ReadAllLinesAsync(upIncidents)).Select(line => JsonDocument.Parse(line).RootElement)
            .First(i => i.GetProperty("agent_id").GetString() == "support-responder");
        Assert.Equal("support-router", responder.GetProperty("upstream").GetProperty("agent_id").GetString());
        var down = (await File.ReadAllLinesAsync(downIncidents)).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Contains(down, i => i.GetProperty("agent_id").GetString() == "support-responder");
        Assert.DoesNotContain(down, i => i.TryGetProperty("upstream", out _));
    }

    [Fact]
    public async Task Replay_FileWithBadLines_SkipsThemAndExitsZero()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke("simulate", "--output", events, "--agents", "1", "--events", "300"));
        var lines = (await File.ReadAllLinesAsync(events)).ToList();
        lines.Insert(10, "{not json");
        lines.Insert(20, """{"schema":"driftwatch.decision/v1"}""");
        await File.WriteAllLinesAsync(events, lines);

        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exit;
        try
        {
            exit = await Invoke("replay", "--input", events, "--alerts-out", Path.Combine(_directory, "alerts.jsonl"));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(0, exit);
        var report = error.ToString();
        Assert.Contains("line 11:", report, StringComparison.Ordinal);
        Assert.Contains("line 21:", report, StringComparison.Ordinal);
        Assert.Contains("2 bad lines skipped", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MissingInput_FailsWithClearError()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.NotEqual(0, await Invoke("replay", "--input", Path.Combine(_directory, "absent.jsonl"), "--alerts-out", Path.Combine(_directory, "a.jsonl")));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("does not exist", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_FileSplitAtTenPointsWithStateHandoff_WritesTheAlertsOfOneWholeReplay()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke(
            "simulate", "--output", events, "--agents", "3", "--events", "24000", "--seed", "11",
            "--drift", "misrouting:agent=support-router,onset=0.45",
            "--drift", "new-reply-vocabulary:agent=billing-triage,onset=0.6,mode=gradual,ramp=1500"));
        var whole = Path.Combine(_directory, "whole.jsonl");
        Assert.Equal(0, await Invoke("replay", "--input", events, "--alerts-out", whole));
        var expected = await File.ReadAllLinesAsync(whole);
        Assert.True(expected.Length >= 2, "the simulated drifts should alert");

        // Ten split points at uneven places (mid-window, inside and after the reference), chained through state files.
        var lines = await File.ReadAllLinesAsync(events);
        int[] cuts = [1, 977, 2001, 4650, 7777, 9000, 10801, 13333, 17000, 21999];
        var parts = new List<string>();
        string? stateIn = null;
        for (int i = 0; i <= cuts.Length; i++)
        {
            int from = i == 0 ? 0 : cuts[i - 1];
            int to = i == cuts.Length ? lines.Length : cuts[i];
            var part = Path.Combine(_directory, $"part-{i}.jsonl");
            await File.WriteAllLinesAsync(part, lines[from..to]);
            var alerts = Path.Combine(_directory, $"alerts-{i}.jsonl");
            var stateOut = Path.Combine(_directory, $"state-{i}");
            var args = new List<string> { "replay", "--input", part, "--alerts-out", alerts, "--state-out", stateOut };
            if (stateIn is not null)
            {
                args.AddRange(["--state-in", stateIn]);
            }

            Assert.Equal(0, await Invoke([.. args]));
            parts.AddRange(await File.ReadAllLinesAsync(alerts));
            stateIn = stateOut;
        }

        Assert.Equal(expected, parts);
    }

    [Fact]
    public async Task Replay_OneAndThreeDetectionWorkers_SameAlertsIncidentsAndStateHandoff()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke(
            "simulate", "--output", events, "--agents", "5", "--events", "20000", "--seed", "3",
            "--drift", "misrouting:agent=support-router,onset=0.4",
            "--drift", "confidence-drop:agent=returns-bot,onset=0.5"));
        var results = new List<(string[] Alerts, string[] Incidents, string[] Continued)>();
        foreach (int workers in new[] { 1, 3 })
        {
            var config = await ConfigAsync(workers);
            var alerts = Path.Combine(_directory, $"alerts-{workers}.jsonl");
            var incidents = Path.Combine(_directory, $"incidents-{workers}.jsonl");
            var state = Path.Combine(_directory, $"state-{workers}");
            Assert.Equal(0, await Invoke("replay", "--config", config, "--input", events, "--alerts-out", alerts, "--incidents-out", incidents, "--state-out", state));

            // The state of a sharded run continues in a run with another worker count.
            var continued = Path.Combine(_directory, $"continued-{workers}.jsonl");
            Assert.Equal(0, await Invoke("replay", "--config", await ConfigAsync(4 - workers), "--input", events, "--alerts-out", continued, "--state-in", state));
            results.Add((await File.ReadAllLinesAsync(alerts), await File.ReadAllLinesAsync(incidents), await File.ReadAllLinesAsync(continued)));
        }

        Assert.NotEmpty(results[0].Alerts);
        Assert.NotEmpty(results[0].Incidents);
        Assert.Equal(results[0].Alerts, results[1].Alerts);
        Assert.Equal(results[0].Incidents, results[1].Incidents);
        Assert.Equal(results[0].Continued, results[1].Continued);
    }

    private async Task<string> ConfigAsync(int detectionWorkers)
    {
        var config = Path.Combine(_directory, $"workers-{detectionWorkers}.json");
        // Propagation off: with it on, replay detects on one thread whatever the worker count.
        await File.WriteAllTextAsync(config, "{ \"Pipeline\": { \"DetectionWorkers\": " + detectionWorkers + " }, \"Propagation\": { \"Enabled\": false } }");
        return config;
    }

    [Fact]
    public async Task Replay_CorruptStateIn_FailsNamingTheProblem()
    {
        var events = Path.Combine(_directory, "events.jsonl");
        Assert.Equal(0, await Invoke("simulate", "--output", events, "--agents", "1", "--events", "300"));
        var state = Path.Combine(_directory, "state");
        Assert.Equal(0, await Invoke("replay", "--input", events, "--alerts-out", Path.Combine(_directory, "a.jsonl"), "--state-out", state));
        var bytes = await File.ReadAllBytesAsync(state);
        await File.WriteAllBytesAsync(state, bytes[..(bytes.Length / 2)]);

        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.NotEqual(0, await Invoke("replay", "--input", events, "--alerts-out", Path.Combine(_directory, "b.jsonl"), "--state-in", state));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("checkpoint", error.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<int> Invoke(params string[] args) => CliApplication.RunAsync(args);
}
