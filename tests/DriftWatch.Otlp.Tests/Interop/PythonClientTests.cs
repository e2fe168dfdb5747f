using DriftWatch.Core.Events;
using DriftWatch.Otlp.Tests.Infrastructure;

namespace DriftWatch.Otlp.Tests.Interop;

/// <summary>The Python client (clients/python, standard library only) against the receiver, and its own unit tests.</summary>
public sealed class PythonClientTests
{
    [PythonFact]
    public async Task UnitTests_PythonClient_Pass()
    {
        string client = ClientFolder();

        const string Run = "import unittest; r = unittest.main(module=None, argv=['t', 'discover', '-s', 'tests'], exit=False).result; print('ran', r.testsRun, 'failed', len(r.failures) + len(r.errors))";
        string output = await ExternalTools.RunAsync(ExternalTools.Python!, ["-c", Run], TimeSpan.FromMinutes(1), workingDirectory: client);

        var match = System.Text.RegularExpressions.Regex.Match(output, @"ran (\d+) failed (\d+)");
        Assert.True(match.Success, output);
        Assert.True(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4, output);
        Assert.Equal("0", match.Groups[2].Value);
    }

    [PythonFact]
    public async Task DecisionPublisher_OutcomeShiftSentOverOtlpHttp_BecomesDecisionsAndIsAlerted()
    {
        await using var host = await ReceiverHost.StartAsync(new Ingest.OtlpIngestOptions());

        string output = await ExternalTools.RunAsync(
            ExternalTools.Python!,
            ["send_decisions.py", host.TracesUri.ToString(), ReceiverHost.Token, $"{OutcomeShift.Before}", $"{OutcomeShift.After}"],
            TimeSpan.FromMinutes(2),
            workingDirectory: ClientFolder());

        Assert.Contains($"sent {OutcomeShift.Before + OutcomeShift.After} decisions, 0 dropped, 0 rejected", output, StringComparison.Ordinal);
        IReadOnlyList<DecisionEvent> events = host.Sink.Events;
        Assert.Equal(OutcomeShift.Before + OutcomeShift.After, events.Count);
        Assert.All(events, e => Assert.Equal(new ToolCall("lookup_order", "ok", 20.0), Assert.Single(e.ToolCalls)));
        Assert.Equal(300.0, events[0].Metrics["latency_ms"]);
        Assert.Equal("python-router", events[0].AgentId);
        OutcomeShift.AssertShiftAlerted(events);
    }

    private static string ClientFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DriftWatch.sln")))
            {
                return Path.Combine(directory.FullName, "clients", "python");
            }
        }

        throw new InvalidOperationException("clients/python not found above " + AppContext.BaseDirectory);
    }
}
