using System.Text;
using Confluent.Kafka;
using DriftWatch.Core.Events;
using DriftWatch.Core.Replay;
using DriftWatch.Simulation;

namespace DriftWatch.IntegrationTests.State;

/// <summary>
/// A simulated fleet with one sudden drift, as Kafka messages keyed by agent, plus the alerts one
/// uninterrupted replay of the same events gives: what any run of the service must reproduce.
/// </summary>
internal sealed class DurableStateScenario
{
    private DurableStateScenario(List<(string Key, byte[] Value)> messages, List<string> eventIds, List<string> expectedAlerts, List<string> expectedIncidentIds, int onsetIndex, string? preDriftVersion, string causalVersion)
    {
        ExpectedIncidentIds = expectedIncidentIds;
        PreDriftStateVersion = preDriftVersion;
        CausalStateVersion = causalVersion;
        Messages = messages;
        EventIds = eventIds;
        ExpectedAlerts = expectedAlerts;
        OnsetIndex = onsetIndex;
    }

    internal List<(string Key, byte[] Value)> Messages { get; }

    internal List<string> EventIds { get; }

    internal List<string> ExpectedAlerts { get; }

    /// <summary>The ids of the incidents one uninterrupted replay groups the alerts into, sorted.</summary>
    internal List<string> ExpectedIncidentIds { get; }

    /// <summary>The drifting agent's state_version at the end of its reference window: the right rollback target.</summary>
    internal string? PreDriftStateVersion { get; }

    /// <summary>The state_version the drift's causal state change set: the wrong rollback target.</summary>
    internal string CausalStateVersion { get; }

    /// <summary>Index in <see cref="Messages"/> of the first drifted decision.</summary>
    internal int OnsetIndex { get; }

    internal static async Task<DurableStateScenario> CreateAsync(int events = 12_000, int agents = 3, long seed = 19)
    {
        var simulator = new FleetSimulator(new SimulationOptions
        {
            Seed = seed,
            Agents = agents,
            Events = events,
            Scenarios = { DriftScenario.Parse("misrouting:agent=support-router,onset=0.7") },
        });
        var onset = simulator.Manifest.Scenarios[0].OnsetTimestamp;
        var messages = new List<(string, byte[])>();
        var ids = new List<string>();
        var lines = new StringBuilder();
        int onsetIndex = -1;
        int routerDecisions = 0;
        string? preDrift = null;
        foreach (var record in simulator.Generate())
        {
            if (record.Decision is { AgentId: "support-router" } routed && ++routerDecisions == new Core.Detection.DriftMonitorOptions().ReferenceSize)
            {
                preDrift = routed.StateVersion;
            }

            byte[] bytes = record.Decision is { } decision ? AgentEventWriter.ToUtf8Bytes(decision) : AgentEventWriter.ToUtf8Bytes(record.State!);
            if (onsetIndex < 0 && record.IsDecision && record.AgentId == "support-router" && record.Timestamp >= onset)
            {
                onsetIndex = messages.Count;
            }

            messages.Add((record.AgentId, bytes));
            ids.Add(record.Decision?.EventId ?? record.State!.EventId);
            lines.Append(Encoding.UTF8.GetString(bytes)).Append('\n');
        }

        var alerts = new StringWriter();
        var incidents = new StringWriter();
        var monitor = new Core.Detection.DriftMonitor();
        Core.Incidents.IncidentDetector.AddTo(monitor);

        // The service's detection stack (Detection.CreateAsync): exemplars on alerts and incidents by default.
        Core.Exemplars.ExemplarDetector.AddTo(monitor);
        await new ReplayRunner(monitor) { IncidentsOut = incidents }.RunAsync(new StringReader(lines.ToString()), alerts);
        var expected = alerts.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        return new DurableStateScenario(messages, ids, expected, IncidentIds(incidents.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)), onsetIndex, preDrift, simulator.Manifest.Scenarios[0].CausalStateVersion);
    }

    /// <summary>The distinct incident ids of <c>driftwatch.incident/v1</c> lines, sorted.</summary>
    internal static List<string> IncidentIds(IEnumerable<string> incidentLines) =>
        incidentLines
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The alert lines of a one-partition alerts topic, read until nothing new arrives for
    /// <paramref name="quiet"/>; with <paramref name="incidents"/>, the incident lines published beside them
    /// (header <c>schema</c>) instead.
    /// </summary>
    internal static List<string> ReadTopic(string bootstrapServers, string topic, TimeSpan quiet, bool incidents = false)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var lastNews = DateTime.UtcNow;
        while (DateTime.UtcNow - lastNews < quiet)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message?.Value is { } value)
            {
                if ((result.Message.Headers?.TryGetLastBytes("schema", out _) == true) == incidents)
                {
                    values.Add(Encoding.UTF8.GetString(value));
                }

                lastNews = DateTime.UtcNow;
            }
        }

        consumer.Close();
        return values;
    }
}
