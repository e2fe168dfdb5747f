using DriftWatch.Service.Pipeline;

namespace DriftWatch.Service.Tests.Pipeline;

public sealed class EventRecorderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"driftwatch-recording-{Guid.NewGuid():N}.jsonl");

    [Fact]
    public async Task Open_RecordingWithLineCutShortByAKill_EndsThatLineSoTheNextRecordStartsClean()
    {
        await File.WriteAllTextAsync(_path, "{\"event_id\":\"e1\"}\n{\"event_id\":\"e2\",\"agen");

        await using (new EventRecorder(_path))
        {
        }

        Assert.Equal("{\"event_id\":\"e1\"}\n{\"event_id\":\"e2\",\"agen\n", await File.ReadAllTextAsync(_path));
    }

    [Fact]
    public async Task Open_CompleteRecording_LeavesItAsItWas()
    {
        await File.WriteAllTextAsync(_path, "{\"event_id\":\"e1\"}\n");

        await using (new EventRecorder(_path))
        {
        }

        Assert.Equal("{\"event_id\":\"e1\"}\n", await File.ReadAllTextAsync(_path));
    }

    public void Dispose() => File.Delete(_path);
}
