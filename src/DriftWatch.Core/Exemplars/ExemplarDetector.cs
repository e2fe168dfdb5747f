using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;
using DriftWatch.Core.Features;
using DriftWatch.Core.Incidents;

namespace DriftWatch.Core.Exemplars;

/// <summary>
/// Keeps example decisions per behaviour inside the monitor's behaviour state, and puts the ones of the drifted
/// segment on every alert (<see cref="DriftAlert.Exemplars"/>) and incident (<see cref="Incident.Exemplars"/>) a
/// step raises: a sample of the reference and the latest decisions of the incident's root segment (else of the
/// alert's own segment, else of the whole behaviour). Register it after <see cref="IncidentDetector"/>, so it
/// sees the incidents of the step. Memory is bounded per behaviour (<see cref="ExemplarOptions.MaxSegments"/>);
/// the state is checkpointed with the behaviour, so a replay split anywhere gives the same exemplars.
/// </summary>
public sealed class ExemplarDetector : IBehaviourDetector
{
    /// <summary>The name that tags this detector's section of a checkpoint record.</summary>
    public const string DetectorName = "exemplars";

    private const byte StateVersion = 1;

    private readonly ExemplarOptions _options;

    public ExemplarDetector(ExemplarOptions? options = null)
    {
        _options = options ?? new ExemplarOptions();
        _options.Validate();
    }

    /// <summary>Registers exemplars on <paramref name="monitor"/>, which must not hold behaviour state yet.</summary>
    public static ExemplarDetector AddTo(DriftMonitor monitor, ExemplarOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        var detector = new ExemplarDetector(options);
        monitor.AddDetector(detector);
        return detector;
    }

    /// <inheritdoc />
    public string Name => DetectorName;

    /// <inheritdoc />
    public string SettingsFingerprint => _options.Fingerprint;

    /// <inheritdoc />
    public IBehaviourDetectorState CreateState(BehaviourKey key) => new State(_options, key);

    private sealed class State(ExemplarOptions options, BehaviourKey key) : IBehaviourDetectorState
    {
        private readonly SegmentExemplars _all = new(null, null, options.PerSegment);
        private readonly Dictionary<(string Key, string Value), SegmentExemplars> _segments = [];
        private readonly List<SegmentExemplars> _order = [];
        private bool _armed;

        public void OnEvent(DecisionEvent decision, DetectorOutput output)
        {
            var exemplar = Exemplar.Of(decision, options);
            bool learning = !_armed;
            _all.Add(exemplar, learning);
            foreach (var (name, value) in decision.InputFeatures)
            {
                if (!_segments.TryGetValue((name, value), out var segment))
                {
                    if (_order.Count >= options.MaxSegments)
                    {
                        continue;
                    }

                    segment = new SegmentExemplars(name, value, options.PerSegment);
                    _segments.Add((name, value), segment);
                    _order.Add(segment);
                }

                segment.Add(exemplar, learning);
            }
        }

        public void OnWindowClosed(in ClosedWindow window, DetectorOutput output)
        {
            if (_armed)
            {
                return;
            }

            // A window closed untested was absorbed into the reference; the first tested one means the reference is
            // complete (or was pinned), and from then on nothing more is sampled into it.
            _all.WindowClosed(absorbed: !window.Tested);
            foreach (var segment in _order)
            {
                segment.WindowClosed(absorbed: !window.Tested);
            }

            _armed = window.Tested;
        }

        public void OnAlerts(IReadOnlyList<DriftAlert> alerts, DetectorOutput output)
        {
            for (int i = 0; i < output.Incidents.Count; i++)
            {
                var incident = output.Incidents[i];
                output.Incidents[i] = incident with { Exemplars = For(incident.Root?.Root) };
            }

            foreach (var alert in alerts)
            {
                var incident = output.Incidents.FirstOrDefault(n => n.Features.Any(f => string.Equals(f.AlertKey, IncidentKeyOf(alert), StringComparison.Ordinal)));
                FeatureId? segment = incident?.Root?.Root;
                if (segment is null && FeatureId.TryParse(alert.Feature, out var feature) && feature.Family == FeatureFamily.ConditionalOutcome)
                {
                    segment = feature;
                }

                output.AlertExemplars[alert] = For(segment);
            }
        }

        public void WriteState(BinaryWriter writer)
        {
            writer.Write(StateVersion);
            writer.Write(_armed);

            // The same decision sits in the lists of several segments: written once, referred to by index.
            var table = new Dictionary<Exemplar, int>(ReferenceEqualityComparer.Instance);
            var distinct = new List<Exemplar>();
            var lists = new List<(SegmentExemplars Segment, IReadOnlyList<Exemplar> Reference, IReadOnlyList<Exemplar> Candidates, List<Exemplar> Recent)>();
            foreach (var segment in _order.Prepend(_all))
            {
                var entry = (segment, segment.ReferenceSample, segment.Candidates, segment.Recent());
                foreach (var exemplar in entry.ReferenceSample.Concat(entry.Candidates).Concat(entry.Item4))
                {
                    if (table.TryAdd(exemplar, distinct.Count))
                    {
                        distinct.Add(exemplar);
                    }
                }

                lists.Add(entry);
            }

            writer.Write7BitEncodedInt(distinct.Count);
            foreach (var exemplar in distinct)
            {
                exemplar.WriteTo(writer);
            }

            writer.Write7BitEncodedInt(lists.Count);
            foreach (var (segment, reference, candidates, recent) in lists)
            {
                writer.WriteNullable(segment.Key);
                writer.WriteNullable(segment.Value);
                WriteIndices(writer, reference, table);
                WriteIndices(writer, candidates, table);
                WriteIndices(writer, recent, table);
            }
        }

        public void ReadState(BinaryReader reader)
        {
            byte version = reader.ReadByte();
            if (version != StateVersion)
            {
                throw new InvalidDataException($"Exemplar state version {version} of {key} is not supported (expected {StateVersion}).");
            }

            _armed = reader.ReadBoolean();
            var distinct = new Exemplar[reader.ReadLength()];
            for (int i = 0; i < distinct.Length; i++)
            {
                distinct[i] = Exemplar.ReadFrom(reader);
            }

            int segments = reader.ReadLength();
            if (segments < 1 || segments - 1 > options.MaxSegments)
            {
                throw new InvalidDataException($"Exemplar state of {key} holds {segments} segments; at most {options.MaxSegments + 1} fit the settings.");
            }

            for (int i = 0; i < segments; i++)
            {
                string? name = reader.ReadNullableString();
                string? value = reader.ReadNullableString();
                SegmentExemplars segment;
                if (i == 0)
                {
                    segment = _all;
                }
                else
                {
                    if (name is null || value is null || !_segments.TryAdd((name, value), segment = new SegmentExemplars(name, value, options.PerSegment)))
                    {
                        throw new InvalidDataException($"Exemplar state of {key} holds a bad or repeated segment.");
                    }

                    _order.Add(segment);
                }

                segment.Restore(ReadIndices(reader, distinct), ReadIndices(reader, distinct), ReadIndices(reader, distinct));
            }
        }

        private ExemplarSet For(FeatureId? segment) =>
            (segment is { Family: FeatureFamily.ConditionalOutcome } s && _segments.TryGetValue((s.Key!, s.Segment!), out var exemplars) ? exemplars : _all).ToSet();

        private static string IncidentKeyOf(DriftAlert alert) => IncidentTracker.AlertKeyOf(alert);

        private static void WriteIndices(BinaryWriter writer, IReadOnlyList<Exemplar> list, Dictionary<Exemplar, int> table)
        {
            writer.Write7BitEncodedInt(list.Count);
            foreach (var exemplar in list)
            {
                writer.Write7BitEncodedInt(table[exemplar]);
            }
        }

        private static List<Exemplar> ReadIndices(BinaryReader reader, Exemplar[] distinct)
        {
            int count = reader.ReadLength();
            var list = new List<Exemplar>(count);
            for (int i = 0; i < count; i++)
            {
                int index = reader.Read7BitEncodedInt();
                if ((uint)index >= (uint)distinct.Length)
                {
                    throw new InvalidDataException("Exemplar state refers to an exemplar it does not hold.");
                }

                list.Add(distinct[index]);
            }

            return list;
        }
    }
}
