using DriftWatch.Core.Events;
using DriftWatch.Core.Propagation;
using DriftWatch.Core.Results;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>The sink writes the propagation map's edges with each health reading, into a real influxd.</summary>
public sealed class AgentEdgeSinkTests(InfluxdFixture fixture) : IClassFixture<InfluxdFixture>
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [InfluxdFact]
    public async Task WriteAsync_HealthBatchWithEdgeSource_WritesEveryEdgeWithItsVolume()
    {
        var server = fixture.Require();
        var database = InfluxdFixture.NewDatabase();
        await server.CreateDatabaseAsync(database);
        var map = new PropagationMap();
        for (int i = 0; i < 3; i++)
        {
            map.Observe(Decision("support-responder", "support-router", At.AddSeconds(i)));
        }

        map.Observe(Decision("order-tool-agent", "support-responder", At.AddSeconds(5)));

        await using (var sink = new InfluxResultSink(InfluxdFixture.V1Options(server, database)) { EdgeSource = map.Edges })
        {
            await sink.WriteAsync(new ResultBatch([], [], [], new PipelineHealth(At.AddMinutes(1), "i-1", 4, 1, 0, 0)), CancellationToken.None);
        }

        var result = await server.QueryAsync("SELECT last(\"events\") AS \"events\" FROM \"agent_edge\" GROUP BY \"parent\", \"child\"", database);
        var volumes = result.Series.ToDictionary(s => (s.Tags["parent"], s.Tags["child"]), s => s.Numbers("events").Single());
        Assert.Equal(2, volumes.Count);
        Assert.Equal(3.0, volumes[("support-router", "support-responder")]);
        Assert.Equal(1.0, volumes[("support-responder", "order-tool-agent")]);
    }

    private static DecisionEvent Decision(string agent, string parent, DateTimeOffset at) => new()
    {
        EventId = Guid.NewGuid().ToString(),
        AgentId = agent,
        Timestamp = at,
        DecisionName = "reply",
        Outcome = "answer",
        ParentAgentId = parent,
    };
}
