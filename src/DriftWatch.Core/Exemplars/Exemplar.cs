using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Exemplars;

/// <summary>
/// One example decision shown beside an alert, an incident or a diff so a person can read what changed: its id,
/// time and outcome, and its input and output text when the event carried them, cut to
/// <see cref="ExemplarOptions.MaxTextLength"/> characters (the id is kept whole: the parser bounds it, and the
/// sampling rank is its hash).
/// </summary>
/// <param name="EventId">The decision's <c>event_id</c>.</param>
/// <param name="Timestamp">The decision's event time.</param>
/// <param name="Outcome">The decision's outcome.</param>
/// <param name="InputText">The input text, truncated; null when the event had none or text is left out.</param>
/// <param name="OutputText">The output text, truncated; null when the event had none or text is left out.</param>
public sealed record Exemplar(string EventId, DateTimeOffset Timestamp, string Outcome, string? InputText, string? OutputText)
{
    /// <summary>
    /// The decision's sampling rank: a hash of its event id. The reservoir keeps the lowest ranks, which is a
    /// uniform sample that depends only on which events were seen (not on their order, a restart or a merge).
    /// </summary>
    internal ulong Rank { get; init; }

    /// <summary>An exemplar of <paramref name="decision"/> under <paramref name="options"/>.</summary>
    public static Exemplar Of(DecisionEvent decision, ExemplarOptions options)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(options);
        return new Exemplar(
            decision.EventId,
            decision.Timestamp,
            Truncate(decision.Outcome, options.MaxTextLength)!,
            options.IncludeText ? Truncate(decision.InputText, options.MaxTextLength) : null,
            options.IncludeText ? Truncate(decision.OutputText, options.MaxTextLength) : null)
        {
            Rank = RankOf(decision.EventId),
        };
    }

    /// <summary>Writes the exemplar to checkpoint state (read back by <see cref="ReadFrom"/>).</summary>
    internal void WriteTo(BinaryWriter writer)
    {
        writer.Write(EventId);
        writer.Write(Timestamp.UtcTicks);
        writer.Write(Outcome);
        writer.WriteNullable(InputText);
        writer.WriteNullable(OutputText);
        writer.Write(Rank);
    }

    /// <summary>An exemplar written by <see cref="WriteTo"/>.</summary>
    internal static Exemplar ReadFrom(BinaryReader reader) =>
        new(reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero), reader.ReadString(), reader.ReadNullableString(), reader.ReadNullableString())
        {
            Rank = reader.ReadUInt64(),
        };

    /// <summary>FNV-1a (64 bit) of the event id, finished with a mixer so close ids spread over the range.</summary>
    internal static ulong RankOf(string eventId)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in eventId)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>
    /// At most <paramref name="max"/> characters, ending in an ellipsis when cut; never splits a surrogate pair.
    /// The text is kept as it was when it is short enough, so a short text costs no copy.
    /// </summary>
    internal static string? Truncate(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return text;
        }

        int cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }
}

/// <summary>
/// Example decisions of one segment: some from the reference (a uniform sample of the events the reference was
/// learned from) and the most recent ones (the drifted window when an alert fires), each list oldest first.
/// </summary>
/// <param name="Segment">The segment they come from, as incidents name it (<c>urgency=high</c>), or <c>all</c>.</param>
/// <param name="Reference">Sampled from the reference; empty when the reference was pinned from a snapshot without exemplars.</param>
/// <param name="Drifted">The latest decisions of the segment.</param>
public sealed record ExemplarSet(string Segment, IReadOnlyList<Exemplar> Reference, IReadOnlyList<Exemplar> Drifted)
{
    /// <summary>The segment name used when the exemplars are from the whole behaviour.</summary>
    public const string AllSegments = "all";
}
