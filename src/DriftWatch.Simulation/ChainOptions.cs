using System.Globalization;

namespace DriftWatch.Simulation;

/// <summary>Where a <see cref="ChainSimulator"/> injects its drift.</summary>
public enum ChainDrift
{
    /// <summary>No drift: a quiet chain.</summary>
    None,

    /// <summary>
    /// The router starts sending most urgent tickets to the responder instead of a person, so the responder
    /// (and, through it, the tool agent) is given different inputs: the drift propagates downstream.
    /// </summary>
    Upstream,

    /// <summary>
    /// Only the responder changes: for technical and account tickets it asks for clarification instead of
    /// answering. The router is unchanged.
    /// </summary>
    Downstream,
}

/// <summary>Settings of a simulated agent chain (<see cref="ChainSimulator"/>); <see cref="Validate"/> is called by the simulator.</summary>
public sealed class ChainOptions
{
    /// <summary>The first agent: routes every ticket (decision <c>route</c>).</summary>
    public const string Router = "support-router";

    /// <summary>The second agent: replies to the tickets the router sends it (decision <c>reply</c>).</summary>
    public const string Responder = "support-responder";

    /// <summary>The third agent: acts on the tickets the responder hands it (decision <c>act</c>).</summary>
    public const string ToolAgent = "order-tool-agent";

    /// <summary>Seed of every random choice; the same options give the same events. Default 42.</summary>
    public long Seed { get; set; } = 42;

    /// <summary>Tickets entering the chain (each is one router decision), default 30,000.</summary>
    public int Tickets { get; set; } = 30_000;

    /// <summary>Tickets per second of event time (Poisson arrivals), default 25.</summary>
    public double TicketsPerSecond { get; set; } = 25;

    /// <summary>Event time of the first ticket, default 2026-03-02T08:00:00Z. No wall clock is read.</summary>
    public DateTimeOffset Start { get; set; } = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The environment of every event, default production.</summary>
    public string Environment { get; set; } = "production";

    /// <summary>Where the drift is injected, default none.</summary>
    public ChainDrift Drift { get; set; } = ChainDrift.None;

    /// <summary>The ticket (as a fraction in [0, 1] of <see cref="Tickets"/>) from which the drift applies, default 0.5.</summary>
    public double Onset { get; set; } = 0.5;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Tickets is < 1 or > 10_000_000)
        {
            throw new ArgumentException($"Tickets must be between 1 and 10000000, got {Tickets}.", nameof(Tickets));
        }

        if (!(TicketsPerSecond > 0) || double.IsInfinity(TicketsPerSecond))
        {
            throw new ArgumentException($"TicketsPerSecond must be a positive number, got {TicketsPerSecond.ToString(CultureInfo.InvariantCulture)}.", nameof(TicketsPerSecond));
        }

        if (string.IsNullOrWhiteSpace(Environment))
        {
            throw new ArgumentException("Environment must not be empty.", nameof(Environment));
        }

        if (!Enum.IsDefined(Drift))
        {
            throw new ArgumentException($"Drift {(int)Drift} is not none, upstream or downstream.", nameof(Drift));
        }

        if (!(Onset >= 0 && Onset <= 1))
        {
            throw new ArgumentException($"Onset must be in [0, 1], got {Onset.ToString(CultureInfo.InvariantCulture)}.", nameof(Onset));
        }
    }
}
