using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using DriftWatch.Api.Audit;

namespace DriftWatch.Api.Tests;

public sealed class AuditEndpointTests
{
    private static string Line(int n) =>
        $"{{\"time\":\"2026-03-02T08:00:{n % 60:00}+00:00\",\"kind\":\"received\",\"agent_id\":\"{(n % 2 == 0 ? "even" : "odd")}\",\"detail\":\"record {n}\"}}\n";

    private static async Task<Scenario> WithTrailAsync(int records, Action<Hosting.DriftWatchApiOptions>? configure = null)
    {
        var directory = Directory.CreateTempSubdirectory("driftwatch-audit-api-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "audit.jsonl"), string.Concat(Enumerable.Range(1, records).Select(Line)));
        return await Scenario.StartAsync(configure, directory);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Get_WithoutTheToken_Is401WithNoRecords(string? token)
    {
        await using var scenario = await WithTrailAsync(3);

        using var response = await scenario.GetAsync("/api/audit", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain("record", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OwnAuditToken_ReplacesTheWebhookToken()
    {
        await using var scenario = await WithTrailAsync(3, static o => o.AuditBearerToken = "audit-reader");

        using var webhookToken = await scenario.GetAsync("/api/audit", Scenario.Token);
        using var auditToken = await scenario.GetAsync("/api/audit", "audit-reader");

        Assert.Equal(HttpStatusCode.Unauthorized, webhookToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, auditToken.StatusCode);
    }

    [Fact]
    public async Task Get_Pages_WalkBackwardsThroughTheTrailWithoutGapsOrRepeats()
    {
        await using var scenario = await WithTrailAsync(25);

        var details = new List<string>();
        var path = "/api/audit?limit=10";
        var pages = 0;
        while (path is not null)
        {
            using var response = await scenario.GetAsync(path, Scenario.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var records = await response.Content.ReadFromJsonAsync<List<AuditRecord>>(AuditJson.Options);
            details.InsertRange(0, records!.Select(static r => r.Detail!));
            pages++;
            path = response.Headers.TryGetValues("Link", out var link)
                ? link.Single().Split(';')[0].Trim('<', '>', ' ')
                : null;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 25).Select(static n => $"record {n}"), details);
    }

    [Fact]
    public async Task Get_AgentFilterAndCursor_ReturnOnlyThatAgentsOlderRecords()
    {
        await using var scenario = await WithTrailAsync(10);

        using var first = await scenario.GetAsync("/api/audit?limit=2&agent_id=even", Scenario.Token);
        var cursor = first.Headers.GetValues("DriftWatch-Next-Before").Single();
        using var second = await scenario.GetAsync($"/api/audit?limit=2&agent_id=even&before={cursor}", Scenario.Token);

        var page1 = (await first.Content.ReadFromJsonAsync<List<AuditRecord>>(AuditJson.Options))!.Select(static r => r.Detail);
        var page2 = (await second.Content.ReadFromJsonAsync<List<AuditRecord>>(AuditJson.Options))!.Select(static r => r.Detail);
        Assert.Equal(["record 8", "record 10"], page1);
        Assert.Equal(["record 4", "record 6"], page2);
    }

    [Fact]
    public async Task ReadPageAsync_HugeFile_ReadsOnlyItsTail()
    {
        // 8 GiB of zeros before the records, as a sparse file: reading from the start would never finish
        // (or run out of memory on the one endless "line"); reading from the end touches the last block only.
        var path = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-audit-tail-").FullName, "audit.jsonl");
        await using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.SetLength(8L << 30);
            file.Position = file.Length;
            await file.WriteAsync(Encoding.UTF8.GetBytes("\n" + string.Concat(Enumerable.Range(1, 5).Select(Line))));
        }

        try
        {
            var page = await AuditTailReader.ReadPageAsync(path, 3, before: null, agentId: null, CancellationToken.None);

            Assert.Equal(["record 3", "record 4", "record 5"], page.Records.Select(static r => r.Detail));
            Assert.True(page.Before > 8L << 30);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ReadPageAsync_TornLastLineAndBlockBoundaries_AreHandled()
    {
        // Records longer than one read block, so lines straddle block boundaries.
        var path = Path.Combine(Directory.CreateTempSubdirectory("driftwatch-audit-blocks-").FullName, "audit.jsonl");
        var padding = new string('x', 40_000);
        var lines = Enumerable.Range(1, 6).Select(n => $"{{\"time\":\"2026-03-02T08:00:00+00:00\",\"kind\":\"received\",\"detail\":\"{n} {padding}\"}}\n");
        await File.WriteAllTextAsync(path, string.Concat(lines) + "{\"time\":\"2026-03-02T08:00:0");

        var all = await AuditTailReader.ReadPageAsync(path, 100, before: null, agentId: null, CancellationToken.None);

        Assert.Equal(["1", "2", "3", "4", "5", "6"], all.Records.Select(static r => r.Detail!.Split(' ')[0]));
        Assert.Null(all.Before);
    }
}
