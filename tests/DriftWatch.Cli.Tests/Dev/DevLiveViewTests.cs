using System.Text;
using Confluent.Kafka;
using DriftWatch.Cli.Dev;
using DriftWatch.Core.Events;
using DriftWatch.Kafka.Embedded;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace DriftWatch.Cli.Tests.Dev;

public sealed class DevLiveViewTests
{
    [Theory]
    [InlineData(false, true, false, true)]
    [InlineData(true, true, false, false)]
    [InlineData(false, false, false, false)]
    [InlineData(false, true, true, false)]
    public void IsEnabled_NoLiveOrNotATerminalOrRedirected_Off(bool noLive, bool interactive, bool redirected, bool expected) =>
        Assert.Equal(expected, DevLiveView.IsEnabled(noLive, interactive, redirected));

    [Fact]
    public void Render_DecisionsAndAnAlert_RateSinceLastRefreshAndLatestAlertPerAgent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
        var activity = new DevActivity();
        var view = new DevLiveView(activity, time);
        for (int i = 0; i < 10; i++)
        {
            activity.Decision("router-a");
        }

        time.Advance(TimeSpan.FromSeconds(2));
        string first = Write(view.Render());
        for (int i = 0; i < 3; i++)
        {
            activity.Decision("router-a");
        }

        activity.Decision("router-b");
        activity.Alert("router-a", "decision.outcome|input.features.urgency=high", "critical", new DateTimeOffset(2026, 12, 3, 9, 0, 1, TimeSpan.Zero));
        time.Advance(TimeSpan.FromSeconds(1));
        string second = Write(view.Render());

        Assert.Matches(@"router-a\s+│?\s*10\s+│?\s*5\.0", first);
        Assert.Matches(@"router-a\s+│?\s*13\s+│?\s*3\.0\s+│?\s*1\s", second);
        Assert.Matches(@"router-b\s+│?\s*1\s+│?\s*1\.0\s+│?\s*0\s", second);
        Assert.Contains("critical decision.outcome|input.features.urgency=high at 09:00:01", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DecisionsAndAlertsOnTheDevTopics_CountedPerAgent()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("agent-decisions", partitions: 2);
        cluster.CreateTopic("driftwatch-alerts", partitions: 1);
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            for (int i = 0; i < 5; i++)
            {
                await producer.ProduceAsync("agent-decisions", new Message<string, byte[]> { Key = "router-a", Value = Decision("router-a", i) });
            }

            await producer.ProduceAsync("agent-decisions", new Message<string, byte[]> { Key = "x", Value = "not json"u8.ToArray() });
            await producer.ProduceAsync("driftwatch-alerts", new Message<string, byte[]>
            {
                Key = "router-a",
                Value = Encoding.UTF8.GetBytes("""{"agent_id":"router-a","feature":"decision.outcome","severity":"warning","detected_at":"2026-12-03T09:00:04.000Z"}"""),
            });
        }

        var activity = new DevActivity();
        using var stop = new CancellationTokenSource();
        Task reading = DevActivityReader.RunAsync(cluster.BootstrapServers, "agent-decisions", "driftwatch-alerts", activity, stop.Token);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(activity.Snapshot() is [{ Events: 5, Alerts: 1 }]) && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await reading.ContinueWith(_ => { }, TaskScheduler.Default);

        AgentRow row = Assert.Single(activity.Snapshot());
        Assert.Equal(("router-a", 5, 1), (row.AgentId, row.Events, row.Alerts));
        Assert.Equal("decision.outcome", row.LastAlert!.Feature);
    }

    private static byte[] Decision(string agent, int i) => AgentEventWriter.ToUtf8Bytes(new DecisionEvent
    {
        EventId = $"e-{i}",
        AgentId = agent,
        Timestamp = new DateTimeOffset(2026, 12, 3, 9, 0, i, TimeSpan.Zero),
        DecisionName = "route",
        Outcome = "billing",
    });

    // A non-interactive console, as in CI: what the view renders, as plain text.
    private static string Write(Spectre.Console.Rendering.IRenderable renderable)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        console.Write(renderable);
        return output.ToString();
    }
}
