using DriftWatch.Api.Audit;

namespace DriftWatch.Api.Tests;

public sealed class AuditTrailReaderTests
{
    [Fact]
    public async Task ReadAsync_TornLastLine_IsSkipped()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-audit-").FullName, "audit.jsonl");
        await File.WriteAllTextAsync(path,
            "{\"time\":\"2026-03-02T08:00:00+00:00\",\"kind\":\"received\",\"agent_id\":\"a\"}\n"
            + "{\"time\":\"2026-03-02T08:00:01+00:00\",\"kind\":\"decision\",\"decision\":\"executed\",\"agent_id\":\"b\"}\n"
            + "{\"time\":\"2026-03-02T08:00:02+00:00\",\"ki");

        var all = new List<AuditRecord>();
        await foreach (var record in AuditTrailReader.ReadAsync(path))
        {
            all.Add(record);
        }

        var lastOfB = await AuditTrailReader.ReadLastAsync(path, 10, agentId: "b");

        Assert.Equal(2, all.Count);
        Assert.Equal(AuditDecisions.Executed, Assert.Single(lastOfB).Decision);
    }

    [Fact]
    public async Task ReadLastAsync_MissingFile_IsEmpty()
    {
        var records = await AuditTrailReader.ReadLastAsync(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".jsonl"), 5);

        Assert.Empty(records);
    }
}
