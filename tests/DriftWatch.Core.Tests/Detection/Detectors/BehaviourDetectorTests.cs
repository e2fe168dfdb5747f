using DriftWatch.Core.Detection;
using DriftWatch.Core.Detection.Checkpoints;
using DriftWatch.Core.Detection.Detectors;
using DriftWatch.Core.Events;

namespace DriftWatch.Core.Tests.Detection.Detectors;

public sealed class BehaviourDetectorTests
{
    private static readonly BehaviourKey Router = new("support-router", "production", "route");

    [Fact]
    public void Observe_SiblingDetector_SeesEveryEventAndTheMonitorsWindows()
    {
        var monitor = new DriftMonitor(new DriftMonitorOptions { CurrentWindowDuration = null });
        var counting = new CountingDetector("count", alertEveryWindow: 3);
        monitor.AddDetector(counting);
        var windows = 0;
        var alerts = new List<DriftAlert>();
        foreach (var e in new SupportStream(4).Take(3_000))
        {
            var step = monitor.Observe(e);
            windows += step.Windows.Count;
            alerts.AddRange(step.Alerts.Where(a => a.Detector == "count"));
        }

        var state = counting.States[Router];
        Assert.Equal(3_000, state.Events);
        Assert.Equal(windows, state.Windows);
        Assert.Equal(windows / 3, alerts.Count);
    }

    [Fact]
    public void RestoreAgentUnit_SiblingDetectorState_RoundTripsAndEvictionDropsIt()
    {
        var events = new SupportStream(6).Take(2_600).ToList();
        var original = new DriftMonitor();
        original.AddDetector(new CountingDetector("count", alertEveryWindow: 1));
        foreach (var e in events)
        {
            original.Observe(e);
        }

        var detector = new CountingDetector("count", alertEveryWindow: 1);
        var restored = new DriftMonitor();
        restored.AddDetector(detector);
        restored.RestoreAgentUnit(original.CheckpointAgentUnit(Router.AgentId, null)!);

        Assert.Equal(2_600, detector.States[Router].Events);
        restored.EvictAgentUnit(Router.AgentId);
        Assert.False(restored.Contains(Router));
    }

    [Fact]
    public void RestoreAgentUnit_OtherDetectorsOn_RefusedAndNothingKept()
    {
        var original = new DriftMonitor();
        original.AddDetector(new CountingDetector("count", alertEveryWindow: 1));
        foreach (var e in new SupportStream(2).Take(300))
        {
            original.Observe(e);
        }

        var unit = original.CheckpointAgentUnit(Router.AgentId, null)!;
        var other = new DriftMonitor();
        other.AddDetector(new CountingDetector("other", alertEveryWindow: 1));

        Assert.Throws<CheckpointException>(() => other.RestoreAgentUnit(unit));
        Assert.Throws<CheckpointException>(() => new DriftMonitor().RestoreAgentUnit(unit));
        Assert.False(other.Contains(Router));
    }

    [Fact]
    public void Restore_DetectorSectionCorrupt_ThrowsCheckpointException()
    {
        var original = new DriftMonitor();
        original.AddDetector(new CountingDetector("count", alertEveryWindow: 1));
        original.Observe(new SupportStream(3).Next());
        byte[] record = original.Checkpoint(Router);
        record[^1] ^= 0xFF; // the record ends with the detector's compressed section

        var restored = new DriftMonitor();
        restored.AddDetector(new CountingDetector("count", alertEveryWindow: 1));

        Assert.Throws<CheckpointException>(() => restored.Restore(record));
    }

    [Fact]
    public void AddDetector_SameNameTwice_Throws()
    {
        var monitor = new DriftMonitor();
        monitor.AddDetector(new CountingDetector("count", alertEveryWindow: 1));

        Assert.Throws<ArgumentException>(() => monitor.AddDetector(new CountingDetector("count", alertEveryWindow: 2)));
    }

    private sealed class CountingDetector(string name, int alertEveryWindow) : IBehaviourDetector
    {
        public Dictionary<BehaviourKey, CountingState> States { get; } = [];

        public string Name => name;

        public string SettingsFingerprint => alertEveryWindow.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public IBehaviourDetectorState CreateState(BehaviourKey key) => States[key] = new CountingState(name, alertEveryWindow);
    }

    private sealed class CountingState(string name, int alertEveryWindow) : IBehaviourDetectorState
    {
        public long Events { get; private set; }

        public long Windows { get; private set; }

        public void OnEvent(DecisionEvent decision, DetectorOutput output) => Events++;

        public void OnWindowClosed(in ClosedWindow window, DetectorOutput output)
        {
            Windows++;
            if (Windows % alertEveryWindow == 0)
            {
                output.Add(new DriftAlert(window.Key, "decision.outcome", name, 1, 0, AlertSeverity.Warning, window.At, window.Start, window.End, "counted", []));
            }
        }

        public void WriteState(BinaryWriter writer)
        {
            writer.Write(Events);
            writer.Write(Windows);
            writer.Write((byte)1);
        }

        public void ReadState(BinaryReader reader)
        {
            Events = reader.ReadInt64();
            Windows = reader.ReadInt64();
            if (reader.ReadByte() != 1)
            {
                throw new InvalidDataException("unknown counting state version");
            }
        }
    }
}
