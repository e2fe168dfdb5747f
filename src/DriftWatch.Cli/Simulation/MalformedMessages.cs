using System.Text;

namespace DriftWatch.Cli.Simulation;

/// <summary>
/// Deterministic bad messages mixed into simulated traffic, so the dead-letter path is exercised the way
/// a buggy agent would exercise it.
/// </summary>
internal static class MalformedMessages
{
    private static readonly string[] Templates =
    [
        """{"schema":"driftwatch.decision/v1","event_id":"bad-{0}","agent_id":"support-router","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing",""",
        """{"schema":"driftwatch.decision/v1","event_id":"bad-{0}","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"}}""",
        """{"schema":"driftwatch.decision/v1","event_id":"bad-{0}","agent_id":"support-router","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing","confidence":1.7}}""",
        """{"schema":"driftwatch.decision/v2","event_id":"bad-{0}","agent_id":"support-router","timestamp":"2026-03-02T08:00:00Z","decision":{"name":"route","outcome":"billing"}}""",
        """{"schema":"driftwatch.decision/v1","event_id":"bad-{0}","agent_id":"support-router","timestamp":"yesterday","decision":{"name":"route","outcome":"billing"}}""",
    ];

    /// <summary>The <paramref name="index"/>-th bad message (cycling through the kinds).</summary>
    internal static byte[] Create(long index) =>
        Encoding.UTF8.GetBytes(Templates[index % Templates.Length].Replace("{0}", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
}
