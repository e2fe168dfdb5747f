using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;
using DriftWatch.Core.Exemplars;

namespace DriftWatch.Core.Snapshots;

/// <summary>
/// The example decisions a snapshot carries, per segment (<c>all</c> and <c>key=value</c>): the
/// <see cref="SnapshotOptions.ExemplarsPerSegment"/> decisions with the lowest event-id hash, a uniform sample that
/// merges exactly (merge(snapshot(A), snapshot(B)) keeps the same exemplars as snapshot(A + B)), with texts cut to
/// <see cref="MaxTextLength"/> characters. Bounded: at most <see cref="MaxSegmentsInMemory"/> segments while
/// building, and the snapshot keeps <c>all</c> plus its <see cref="MaxSegmentsKept"/> largest segments.
/// </summary>
internal sealed class SnapshotExemplars(int perSegment)
{
    /// <summary>Characters kept of texts, ids and outcomes in a snapshot's exemplars.</summary>
    public const int MaxTextLength = 160;

    /// <summary>Segments sampled while building; later new segments get no exemplars of their own.</summary>
    public const int MaxSegmentsInMemory = 256;

    /// <summary>Segments (besides <c>all</c>) whose exemplars a snapshot keeps.</summary>
    public const int MaxSegmentsKept = 32;

    private static readonly ExemplarOptions Cut = new() { MaxTextLength = MaxTextLength };

    private readonly Dictionary<string, List<Exemplar>> _segments = new(StringComparer.Ordinal);

    // The segment of each input (key, value) pair, so an event's segments are found without building their names.
    private readonly Dictionary<(string Key, string Value), List<Exemplar>?> _pairs = [];

    public void Add(DecisionEvent e)
    {
        if (perSegment == 0)
        {
            return;
        }

        ulong rank = Exemplar.RankOf(e.EventId);
        Exemplar? exemplar = null;
        Offer(List(ExemplarSet.AllSegments), rank, e, ref exemplar);
        foreach (var (key, value) in e.InputFeatures)
        {
            if (!_pairs.TryGetValue((key, value), out var sample))
            {
                sample = List(string.Concat(key, "=", value));
                if (_pairs.Count < 4 * MaxSegmentsInMemory)
                {
                    _pairs.Add((key, value), sample);
                }
            }

            Offer(sample, rank, e, ref exemplar);
        }
    }

    public void AddAll(IReadOnlyDictionary<string, IReadOnlyList<Exemplar>> exemplars)
    {
        foreach (var (segment, list) in exemplars)
        {
            if (List(segment) is { } sample)
            {
                foreach (var exemplar in list)
                {
                    SegmentExemplars.Offer(sample, exemplar, perSegment);
                }
            }
        }
    }

    /// <summary>The exemplars of <c>all</c> and of the kept segments among <paramref name="segmentSizes"/>, oldest first.</summary>
    public SortedDictionary<string, IReadOnlyList<Exemplar>> ToMap(IReadOnlyDictionary<string, long> segmentSizes)
    {
        var kept = segmentSizes.Where(kv => _segments.ContainsKey(kv.Key))
            .OrderByDescending(static kv => kv.Value).ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxSegmentsKept).Select(static kv => kv.Key).Append(ExemplarSet.AllSegments);
        var map = new SortedDictionary<string, IReadOnlyList<Exemplar>>(StringComparer.Ordinal);
        foreach (var segment in kept)
        {
            if (_segments.TryGetValue(segment, out var list) && list.Count > 0)
            {
                map[segment] = [.. list.OrderBy(static e => e.Timestamp).ThenBy(static e => e.EventId, StringComparer.Ordinal)];
            }
        }

        return map;
    }

    public void WriteTo(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_segments.Count);
        foreach (var (segment, list) in _segments)
        {
            writer.Write(segment);
            writer.Write7BitEncodedInt(list.Count);
            foreach (var exemplar in list)
            {
                exemplar.WriteTo(writer);
            }
        }
    }

    public void ReadFrom(BinaryReader reader)
    {
        int segments = reader.ReadLength();
        for (int i = 0; i < segments; i++)
        {
            string segment = reader.ReadString();
            var list = List(segment) ?? throw new InvalidDataException("Snapshot exemplar state holds more segments than it may.");
            int count = reader.ReadLength();
            for (int j = 0; j < count; j++)
            {
                list.Add(Exemplar.ReadFrom(reader));
            }

            if (list.Count > perSegment)
            {
                throw new InvalidDataException($"Snapshot exemplar state holds {list.Count} exemplars of {segment}; the settings keep {perSegment}.");
            }
        }
    }

    private void Offer(List<Exemplar>? sample, ulong rank, DecisionEvent e, ref Exemplar? exemplar)
    {
        if (sample is null)
        {
            return;
        }

        // Most events rank above a full sample's highest: they cost a hash and a comparison, no allocation.
        if (sample.Count == perSegment && sample.TrueForAll(s => s.Rank < rank))
        {
            return;
        }

        exemplar ??= Exemplar.Of(e, Cut);
        SegmentExemplars.Offer(sample, exemplar, perSegment);
    }

    private List<Exemplar>? List(string segment)
    {
        if (!_segments.TryGetValue(segment, out var list))
        {
            if (_segments.Count >= MaxSegmentsInMemory)
            {
                return null;
            }

            list = new List<Exemplar>(perSegment);
            _segments.Add(segment, list);
        }

        return list;
    }
}
