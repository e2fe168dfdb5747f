using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;

namespace DriftWatch.Core.Incidents;

/// <summary>
/// Watches the published incidents of one behaviour until they resolve: an incident is resolved once none of its
/// features has had a drift verdict (the <c>drift</c> score, or an ML detector's score, above its threshold) for <see cref="IncidentOptions.ResolveWindows"/> windows of the
/// behaviour in a row (and no alert joined it meanwhile). It keeps watching an incident after it stopped taking
/// alerts (<see cref="IncidentOptions.RelatedWindows"/>), so a drift that outlasts grouping still resolves once.
/// At most <see cref="MaxWatched"/> incidents per behaviour are watched; beyond that the oldest is dropped unresolved.
/// </summary>
internal sealed class IncidentResolution
{
    /// <summary>Incidents watched per behaviour.</summary>
    public const int MaxWatched = 8;

    private readonly List<Watched> _watched = [];

    public int Count => _watched.Count;

    /// <summary>An incident was opened or updated: it is watched (again) with its quiet count restarted.</summary>
    public void Published(Incident incident)
    {
        int index = _watched.FindIndex(w => string.Equals(w.Incident.Id, incident.Id, StringComparison.Ordinal));
        if (index >= 0)
        {
            _watched.RemoveAt(index);
        }
        else if (_watched.Count >= MaxWatched)
        {
            _watched.RemoveAt(0);
        }

        _watched.Add(new Watched(incident with { Exemplars = null }));
    }

    /// <summary>Window scores of the step: a score above its threshold on a watched feature keeps that incident loud.</summary>
    public void Scores(IReadOnlyList<FeatureScore> scores)
    {
        foreach (var score in scores)
        {
            if (!score.Exceeded || !IsVerdict(score.Detector))
            {
                continue;
            }

            foreach (var watched in _watched)
            {
                if (watched.Features.Contains(score.Feature))
                {
                    watched.Loud = true;
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="windows"/> windows closed in the step, the last at <paramref name="at"/>: returns the incidents
    /// that have been quiet long enough, with status resolved, and stops watching them.
    /// </summary>
    public List<Incident>? WindowsClosed(int windows, DateTimeOffset at, int resolveWindows)
    {
        List<Incident>? resolved = null;
        for (int i = 0; i < _watched.Count; i++)
        {
            var watched = _watched[i];
            watched.Quiet = watched.Loud ? 0 : watched.Quiet + windows;
            watched.Loud = false;
            if (watched.Quiet >= resolveWindows)
            {
                (resolved ??= []).Add(watched.Incident with { Status = IncidentStatus.Resolved, UpdatedAt = at });
                _watched.RemoveAt(i--);
            }
        }

        return resolved;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(_watched.Count);
        foreach (var watched in _watched)
        {
            var incident = watched.Incident;
            writer.Write(incident.Id);
            writer.Write((byte)incident.Status);
            writer.Write(incident.StartedAt.UtcTicks);
            writer.Write(incident.UpdatedAt.UtcTicks);
            writer.Write(watched.Quiet);
            writer.Write7BitEncodedInt(incident.Features.Count);
            foreach (var f in incident.Features)
            {
                writer.Write(f.Feature);
                writer.Write(f.Detector);
                writer.Write(f.Score);
                writer.Write(f.Threshold);
                writer.Write(f.Evidence);
                writer.Write(f.Effect is not null);
                writer.Write(f.Effect ?? 0);
                writer.Write((byte)f.Severity);
                writer.Write(f.DetectedAt.UtcTicks);
                writer.Write(f.AlertKey);
            }

            writer.Write7BitEncodedInt(incident.Roots.Count);
            foreach (var root in incident.Roots)
            {
                writer.Write(root.Root.Format());
                writer.WriteStrings([.. root.Explains.Select(static e => e.Format())]);
            }
        }
    }

    public static IncidentResolution Read(BinaryReader reader, BehaviourKey key)
    {
        var resolution = new IncidentResolution();
        int count = reader.ReadLength();
        if (count > MaxWatched)
        {
            throw new InvalidDataException($"Incident resolution state of {key} watches {count} incidents; at most {MaxWatched} fit.");
        }

        for (int i = 0; i < count; i++)
        {
            string id = reader.ReadString();
            var status = (IncidentStatus)reader.ReadByte();
            var started = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var updated = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            int quiet = reader.ReadInt32();
            var features = new IncidentFeature[reader.ReadLength()];
            for (int f = 0; f < features.Length; f++)
            {
                string feature = reader.ReadString();
                string detector = reader.ReadString();
                double score = reader.ReadDouble();
                double threshold = reader.ReadDouble();
                double evidence = reader.ReadDouble();
                bool hasEffect = reader.ReadBoolean();
                double effect = reader.ReadDouble();
                features[f] = new IncidentFeature(feature, detector, score, threshold, evidence, hasEffect ? effect : null, (AlertSeverity)reader.ReadByte(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero), reader.ReadString());
            }

            var roots = new RootSegment[reader.ReadLength()];
            for (int r = 0; r < roots.Length; r++)
            {
                var root = Feature(reader.ReadString(), key);
                roots[r] = new RootSegment(root, [.. reader.ReadStrings().Select(e => Feature(e, key))]);
            }

            resolution._watched.Add(new Watched(new Incident(id, key, status, started, updated, features, roots)) { Quiet = quiet });
        }

        return resolution;
    }

    // A raw statistic or effect size can sit over its own threshold with a drift too small to alert on, so only
    // verdicts count: the statistical "drift" series and the ML detectors' scores (each its own verdict).
    private static bool IsVerdict(string detector) => detector is not (
        DetectorNames.ChiSquare or DetectorNames.Exact or DetectorNames.JensenShannon or DetectorNames.KolmogorovSmirnov
        or DetectorNames.Wasserstein or DetectorNames.Cusum);

    private static FeatureId Feature(string? name, BehaviourKey key) =>
        FeatureId.TryParse(name, out var id) ? id : throw new InvalidDataException($"Incident resolution state of {key} names an unknown feature '{name}'.");

    private sealed class Watched(Incident incident)
    {
        public Incident Incident { get; } = incident;

        public HashSet<string> Features { get; } = [.. incident.Features.Select(static f => f.Feature)];

        public int Quiet { get; set; }

        public bool Loud { get; set; }
    }
}
