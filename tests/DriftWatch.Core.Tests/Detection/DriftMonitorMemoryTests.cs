using DriftWatch.Core.Detection;

namespace DriftWatch.Core.Tests.Detection;

/// <summary>Runs alone: heap measurements would otherwise include other tests' allocations.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(MemoryCollection))]
public sealed class DriftMonitorMemoryTests
{
    [Fact]
    public void Observe_ManyAgentsLongStream_RetainedMemoryStaysFlat()
    {
        var monitor = new DriftMonitor();
        var streams = Enumerable.Range(0, 20).Select(i => new SupportStream(100 + i, agentId: $"agent-{i}")).ToArray();
        void Feed(int perAgent)
        {
            for (int n = 0; n < perAgent; n++)
            {
                foreach (var s in streams)
                {
                    monitor.Observe(s.Next());
                }
            }
        }

        Feed(3000);
        long early = GC.GetTotalMemory(forceFullCollection: true);
        Feed(3000);
        long late = GC.GetTotalMemory(forceFullCollection: true);

        Assert.Equal(20, monitor.BehaviourCount);
        Assert.True(late - early < 256 * 1024, $"retained memory grew by {late - early} bytes over 60,000 events");
    }
}
