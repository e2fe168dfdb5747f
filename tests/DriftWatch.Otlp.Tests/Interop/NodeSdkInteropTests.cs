using DriftWatch.Core.Events;
using DriftWatch.Otlp.Tests.Infrastructure;

namespace DriftWatch.Otlp.Tests.Interop;

/// <summary>
/// The OpenTelemetry JS SDK with the npm <c>@opentelemetry/exporter-trace-otlp-http</c> exporter (OTLP/HTTP
/// JSON), run by node, into the receiver.
/// </summary>
public sealed class NodeSdkInteropTests
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    [NodeFact]
    public async Task OtlpHttpExporter_NodeAgentWithOutcomeShift_SpansBecomeDecisionsAndShiftIsAlerted()
    {
        string script = await PrepareAsync();
        await using var host = await ReceiverHost.StartAsync(new Ingest.OtlpIngestOptions());

        string output = await ExternalTools.RunAsync(
            ExternalTools.Node!,
            [Path.Combine(script, "send-spans.mjs"), host.TracesUri.ToString(), ReceiverHost.Token, $"{OutcomeShift.Before}", $"{OutcomeShift.After}"],
            TimeSpan.FromMinutes(2),
            workingDirectory: script);

        Assert.Contains($"sent {OutcomeShift.Before + OutcomeShift.After} decisions", output, StringComparison.Ordinal);
        IReadOnlyList<DecisionEvent> events = host.Sink.Events;
        Assert.Equal(OutcomeShift.Before + OutcomeShift.After, events.Count);
        DecisionEvent first = events[0];
        Assert.Equal("billing-triage", first.AgentId);
        Assert.Equal("3.1.0", first.AgentVersion);
        Assert.Equal("production", first.Environment);
        Assert.Equal("m-small", first.Labels["model"]);
        Assert.Equal(120, first.Metrics["tokens_in"]);
        // The exporter may have several requests in flight, so events are checked as a set, not by position.
        Assert.All(events, e => Assert.Equal("lookup_invoice", Assert.Single(e.ToolCalls).Name));
        Assert.Equal((OutcomeShift.Before + OutcomeShift.After) / 10, events.Count(e => e.ToolCalls[0].Status == "error"));
        Assert.Equal(0, host.Receiver.RejectedSpans);
        OutcomeShift.AssertShiftAlerted(events);
    }

    /// <summary>
    /// The folder holding the script with its node_modules: the source folder where
    /// scripts/install-prerequisites.sh installed them, else a temporary copy installed now.
    /// </summary>
    private static async Task<string> PrepareAsync()
    {
        string copied = Path.Combine(AppContext.BaseDirectory, "Interop", "node");
        string? source = FindSourceFolder();
        if (source is not null && Directory.Exists(Path.Combine(source, "node_modules", "@opentelemetry", "exporter-trace-otlp-http")))
        {
            return source;
        }

        string temp = Directory.CreateTempSubdirectory("driftwatch-otlp-node-").FullName;
        foreach (string file in new[] { "package.json", "send-spans.mjs" })
        {
            File.Copy(Path.Combine(copied, file), Path.Combine(temp, file));
        }

        await ExternalTools.RunAsync(ExternalTools.Npm!, ["install", "--no-audit", "--no-fund", "--no-package-lock", "--prefer-offline", "--loglevel=error"], InstallTimeout, workingDirectory: temp);
        return temp;
    }

    private static string? FindSourceFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DriftWatch.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "DriftWatch.Otlp.Tests", "Interop", "node");
            }
        }

        return null;
    }
}
