using System.Text;
using System.Text.Json;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;
using DriftWatch.Core.Incidents;
using DriftWatch.Core.Propagation;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.Core.Tests.Propagation;

/// <summary>A simulated router -> responder -> tool agent chain replayed through the monitor with propagation on.</summary>
public sealed class ChainReplayTests
{
    [Fact]
    public async Task RunAsync_DriftInjectedUpstream_DownstreamIncidentNamesTheRouter()
    {
        var incidents = await ReplayAsync(ChainDrift.Upstream);

        var router = Opened(incidents, ChainOptions.Router);
        var responder = Opened(incidents, ChainOptions.Responder);
        Assert.NotNull(router);
        Assert.NotNull(responder);
        Assert.False(router.Value.TryGetProperty("upstream", out _));
        var upstream = responder.Value.GetProperty("upstream");
        Assert.Equal(ChainOptions.Router, upstream.GetProperty("agent_id").GetString());
        Assert.Equal(router.Value.GetProperty("id").GetString(), upstream.GetProperty("incident_id").GetString());
        Assert.Equal("urgency=high", upstream.GetProperty("segment").GetString());
        Assert.InRange(upstream.GetProperty("share").GetDouble(), 0.5, 1.0);
    }

    [Fact]
    public async Task RunAsync_DriftInjectedOnlyDownstream_ResponderIncidentBlamesNoUpstream()
    {
        var incidents = await ReplayAsync(ChainDrift.Downstream);

        Assert.Null(Opened(incidents, ChainOptions.Router));
        var responder = Opened(incidents, ChainOptions.Responder);
        Assert.NotNull(responder);
        Assert.DoesNotContain(
            incidents.Where(i => i.GetProperty("agent_id").GetString() == ChainOptions.Responder),
            i => i.TryGetProperty("upstream", out _));
    }

    [Fact]
    public async Task RunAsync_ChainTwice_SameIncidentLines()
    {
        var first = await ReplayLinesAsync(ChainDrift.Upstream);
        var second = await ReplayLinesAsync(ChainDrift.Upstream);

        Assert.Contains("\"upstream\"", first, StringComparison.Ordinal);
        Assert.Equal(first, second);
    }

    [Fact]
    public void ReplayState_SplitAfterAnIncidentNamedItsUpstream_RestoredIncidentKeepsItsUpstream()
    {
        var events = new ChainSimulator(new ChainOptions { Seed = 7, Drift = ChainDrift.Upstream }).Generate().ToList();
        var first = new DriftMonitor();
        IncidentDetector.AddTo(first, propagation: new PropagationMap());
        Incident? named = null;
        int split = 0;
        while (named is null)
        {
            named = first.Observe(events[split++]).Incidents.FirstOrDefault(i => i.Upstream is not null && i.Key.AgentId == ChainOptions.ToolAgent);
        }

        var state = new MemoryStream();
        ReplayState.Write(first, state);
        state.Position = 0;
        var second = new DriftMonitor();
        IncidentDetector.AddTo(second, propagation: new PropagationMap());
        ReplayState.Read(second, state);
        var later = events.Skip(split).SelectMany(e => second.Observe(e).Incidents).Where(i => i.Id == named.Id).ToList();

        Assert.NotEmpty(later);
        Assert.All(later, i => Assert.Equal(named.Upstream, i.Upstream));
    }

    private static JsonElement? Opened(List<JsonElement> incidents, string agent) =>
        incidents.Where(i => i.GetProperty("agent_id").GetString() == agent && i.GetProperty("status").GetString() == "opened")
            .Select(i => (JsonElement?)i)
            .FirstOrDefault();

    private static async Task<List<JsonElement>> ReplayAsync(ChainDrift drift) =>
        (await ReplayLinesAsync(drift))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToList();

    private static async Task<string> ReplayLinesAsync(ChainDrift drift)
    {
        var text = new StringBuilder();
        foreach (var decision in new ChainSimulator(new ChainOptions { Seed = 7, Drift = drift }).Generate())
        {
            text.Append(Encoding.UTF8.GetString(AgentEventWriter.ToUtf8Bytes(decision))).Append('\n');
        }

        var monitor = new DriftMonitor();
        IncidentDetector.AddTo(monitor, propagation: new PropagationMap());
        var incidents = new StringWriter { NewLine = "\n" };
        await new ReplayRunner(monitor) { IncidentsOut = incidents }.RunAsync(new StringReader(text.ToString()), new StringWriter());
        return incidents.ToString();
    }
}
