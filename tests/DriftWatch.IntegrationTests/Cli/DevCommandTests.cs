using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using DriftWatch.Core.Events;
using DriftWatch.IntegrationTests.Infrastructure;
using DriftWatch.Otlp.Mapping;
using Google.Protobuf;

namespace DriftWatch.IntegrationTests.Cli;

/// <summary><c>driftwatch dev</c> run as a real process: spans posted to the printed OTLP endpoint are detected.</summary>
public sealed class DevCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Dev_SpansPostedToPrintedEndpoint_ConsumedByThePipelineAndDrainedOnSigterm()
    {
        int port = FreePort();
        using var dev = DriftWatchProcess.Start(["dev", "--port", $"{port}", "--token", "dev-token"]);
        await WaitForAsync(dev, "Assigned 6 partition(s)");
        Assert.Contains($"http://127.0.0.1:{port}/v1/traces", dev.Output, StringComparison.Ordinal);

        var events = Enumerable.Range(0, 50).Select(i => new DecisionEvent
        {
            EventId = $"dev-{i}",
            AgentId = "laptop-agent",
            Timestamp = DateTimeOffset.UnixEpoch.AddYears(56).AddSeconds(i),
            DecisionName = "route",
            Outcome = i % 2 == 0 ? "billing" : "faq",
        });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/v1/traces")
        {
            Content = new ByteArrayContent(DecisionSpanEncoder.ToRequest(events).ToByteArray()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "dev-token");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await WaitForAsync(dev, "50 events");
        Assert.Equal(0, await dev.TerminateAsync(Patience));
        Assert.Contains("Pipeline stopped: 50 events", dev.Output, StringComparison.Ordinal);
        // Its output is a pipe, as in CI: no live view redrawn into it, and the routine log lines are kept.
        Assert.DoesNotContain("events/s", dev.Output, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(DriftWatchProcess process, string text)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!process.Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"driftwatch dev did not print '{text}'. Output:\n{process.Output}");
            }

            await Task.Delay(100);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
