using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using DriftWatch.Core.Detection;

namespace DriftWatch.Core.Results;

/// <summary>
/// The trace an alert belongs to, so its Kafka message, the webhook that acts on it and the rollback command
/// continue the trace of the agent event that raised it (W3C trace context, carried in Kafka headers).
/// Detection attaches the context to the alert object; the alert sink reads it. Keyed by the alert's
/// identity and held weakly, so an alert nobody keeps takes its context with it.
/// </summary>
public static class AlertTrace
{
    /// <summary>The name of DriftWatch's <see cref="ActivitySource"/>s: subscribe to it to receive its spans.</summary>
    public const string ActivitySourceName = "DriftWatch";

    private static readonly ConditionalWeakTable<DriftAlert, StrongBox<ActivityContext>> Contexts = new();

    /// <summary>Records that <paramref name="alert"/> was raised in <paramref name="context"/>; an invalid context is ignored.</summary>
    public static void Attach(DriftAlert alert, ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (context != default)
        {
            Contexts.AddOrUpdate(alert, new StrongBox<ActivityContext>(context));
        }
    }

    /// <summary>The context <paramref name="alert"/> was raised in, or default when none was attached.</summary>
    public static ActivityContext Of(DriftAlert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return Contexts.TryGetValue(alert, out var box) ? box.Value : default;
    }
}

/// <summary>
/// The trace context of the latest alert published per agent, environment and feature, for the webhook: the
/// alert reaches it through Prometheus or Grafana, which keep no trace context, so the webhook finds the trace
/// by what the alert is about. Bounded: past <see cref="Capacity"/> series the oldest half is forgotten (a
/// webhook for a forgotten series starts a new trace).
/// </summary>
public sealed class AlertTraceRegistry
{
    /// <summary>Series remembered at most.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, (ActivityContext Context, long Order)> _latest = new(StringComparer.Ordinal);
    private long _order;

    /// <summary>Remembers <paramref name="context"/> as the trace of the latest alert of the series.</summary>
    public void Record(string agentId, string environment, string feature, ActivityContext context)
    {
        if (context == default)
        {
            return;
        }

        _latest[Key(agentId, environment, feature)] = (context, Interlocked.Increment(ref _order));
        if (_latest.Count > Capacity)
        {
            var cut = Volatile.Read(ref _order) - (Capacity / 2);
            foreach (var entry in _latest)
            {
                if (entry.Value.Order < cut)
                {
                    _latest.TryRemove(entry);
                }
            }
        }
    }

    /// <summary>The trace of the latest alert of the series, or default when none is known.</summary>
    public ActivityContext Find(string agentId, string environment, string feature) =>
        _latest.TryGetValue(Key(agentId, environment, feature), out var entry) ? entry.Context : default;

    private static string Key(string agentId, string environment, string feature) => string.Concat(agentId, "\n", environment, "\n", feature);
}
