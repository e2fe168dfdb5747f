using System.Text.Json.Nodes;
using DriftWatch.SampleAgent;
using Microsoft.Extensions.Logging;

// A support-routing agent: routes tickets with a versioned policy, publishes its decisions and policy
// changes to Kafka, and obeys DriftWatch rollback commands from the control topic or POST /control/rollback.
SampleAgentOptions options;
try
{
    options = SampleAgentOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync($"error: {ex.Message}");
    await Console.Error.WriteLineAsync("usage: DriftWatch.SampleAgent [--agent-id ID] [--bootstrap-servers HOSTS] [--control-url URL] [--rate N] [--drift-after N]");
    return 2;
}

using var loggerFactory = LoggerFactory.Create(static b => b.AddSimpleConsole(static o => o.SingleLine = true));
var logger = loggerFactory.CreateLogger("SampleAgent");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var runtime = new RoutingPolicyRuntime(options.AgentId, options.AgentVersion, TimeProvider.System, options.Environment);
await using var kafka = new KafkaAgentIo(options, logger);
var handler = new RollbackHandler(runtime, logger);
handler.Reverted += applied =>
{
    foreach (var change in applied.Reverted)
    {
        _ = kafka.PublishStateAsync(AgentEvents.State(runtime, change, options.Environment), CancellationToken.None);
    }
};

foreach (var (key, queue) in new[] { ("route/default", "general"), ("route/urgency=high", "escalations"), ("route/urgency=low", "self-service") })
{
    await kafka.PublishStateAsync(AgentEvents.State(runtime, runtime.Set(key, JsonValue.Create(queue)), options.Environment), stop.Token);
}

await using var control = await ControlServer.StartAsync(options.ControlUrl, handler, runtime, loggerFactory, stop.Token);
var listening = kafka.ListenForCommandsAsync(handler, stop.Token);
logger.LogInformation("Agent {AgentId} routing; rollback endpoint {Url}", options.AgentId, control.RollbackUrl);

var random = new Random(7);
string[] urgencies = ["low", "normal", "high"];
string[] categories = ["invoice", "outage", "account", "feature"];
var delay = TimeSpan.FromSeconds(1 / options.Rate);
try
{
    for (var n = 1; !stop.IsCancellationRequested; n++)
    {
        if (n == options.DriftAfter)
        {
            // The bad lesson: urgent tickets start going to the general queue.
            var change = runtime.Set("route/urgency=high", JsonValue.Create("general"));
            await kafka.PublishStateAsync(AgentEvents.State(runtime, change, options.Environment), stop.Token);
            logger.LogWarning("Policy changed: urgent tickets now go to 'general' ({Version})", change.StateVersion);
        }

        var ticket = new Ticket("my order is late", categories[random.Next(categories.Length)], urgencies[random.Next(urgencies.Length)], "email");
        var decision = runtime.Decide(ticket);
        kafka.PublishDecision(AgentEvents.Decision(runtime, decision, options.Environment));
        await Task.Delay(delay, stop.Token);
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C.
}

await listening;
return 0;
