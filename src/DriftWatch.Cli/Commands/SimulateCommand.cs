using System.CommandLine;
using System.Text.Json;
using DriftWatch.Cli.Hosting;
using DriftWatch.Cli.Simulation;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch simulate</c>: a seeded agent fleet with injected drift, to a file or Kafka.</summary>
internal static class SimulateCommand
{
    internal static readonly JsonSerializerOptions ManifestJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    internal static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write JSONL to this file ('-' for stdout) instead of Kafka.", HelpName = "FILE" };
        var bootstrap = CommonOptions.BootstrapServers();
        var topic = new Option<string>("--topic", "-t") { Description = "Kafka topic to produce to.", DefaultValueFactory = _ => "agent-decisions" };
        var agents = new Option<int>("--agents") { Description = "Number of agents in the fleet.", DefaultValueFactory = _ => 4 };
        var events = new Option<int>("--events", "-n") { Description = "Decision events across the fleet.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<long>("--seed") { Description = "Seed; the same seed gives the same events.", DefaultValueFactory = _ => 42 };
        var rate = new Option<double>("--rate") { Description = "Event-time rate per agent, events per second (timestamps, not wall clock).", DefaultValueFactory = _ => 50 };
        var drift = new Option<string[]>("--drift", "-d")
        {
            Description = "Drift to inject; repeatable. KIND[:agent=A,onset=0.5,mode=sudden|gradual,ramp=2000,segment=urgency=high]. Kinds: misrouting, sentiment-collapse, new-reply-vocabulary, latency-creep, confidence-drop.",
            HelpName = "SPEC",
        };
        var manifest = new Option<string?>("--manifest") { Description = "Write the ground truth (drift onsets, expected features, causal state changes) to this JSON file.", HelpName = "FILE" };
        var invalidEvery = new Option<int>("--invalid-every") { Description = "Insert one malformed message after every N events (0: none).", DefaultValueFactory = _ => 0 };
        var environment = new Option<string>("--environment", "-e") { Description = "Environment of every event (e.g. staging).", DefaultValueFactory = _ => "production" };
        var divergeTo = new Option<string?>("--diverge-to") { Description = "Also run the fleet in this environment (e.g. staging), with the drifts there only: two environments whose state differs by the drifts' state keys (see driftwatch sync).", HelpName = "ENVIRONMENT" };
        var pace = new Option<double>("--pace") { Description = "Wall-clock pace in messages per second (0: as fast as possible).", DefaultValueFactory = _ => 0 };
        var chain = new Option<string?>("--chain")
        {
            Description = "Instead of the fleet: a chain support-router -> support-responder -> order-tool-agent linked by traces (docs/propagation.md), with drift none, upstream (the router) or downstream (the responder only). Uses --events as tickets, --seed, --rate as tickets per second, --environment.",
            HelpName = "none|upstream|downstream",
        };
        var command = new Command("simulate", "Generate a realistic agent fleet's decision events, with drift injected where you choose.")
        {
            output, bootstrap, topic, agents, events, seed, rate, environment, drift, manifest, invalidEvery, pace, chain, divergeTo,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimulationOptions
            {
                Agents = parse.GetValue(agents),
                Events = parse.GetValue(events),
                Seed = parse.GetValue(seed),
                EventsPerSecond = parse.GetValue(rate),
                Environment = parse.GetValue(environment)!,
            };
            foreach (var spec in parse.GetValue(drift) ?? [])
            {
                options.Scenarios.Add(DriftScenario.Parse(spec));
            }

            var path = parse.GetValue(output);
            var servers = parse.GetValue(bootstrap) ?? Environment.GetEnvironmentVariable(DriftWatchSettings.BootstrapServersVariable);
            if (path is null && string.IsNullOrWhiteSpace(servers))
            {
                throw new ArgumentException("Say where events go: --output FILE, or --bootstrap-servers HOSTS (or DRIFTWATCH_BOOTSTRAP_SERVERS) for Kafka.");
            }

            var destination = path ?? $"{servers}/{parse.GetValue(topic)}";
            if (parse.GetValue(chain) is { } chainDrift)
            {
                var simulator = new ChainSimulator(new ChainOptions
                {
                    Tickets = parse.GetValue(events),
                    Seed = options.Seed,
                    TicketsPerSecond = options.EventsPerSecond,
                    Environment = options.Environment,
                    Drift = ChainRun.ParseDrift(chainDrift),
                });
                long written;
                await using (var sink = path is not null ? EventOutput.ToFile(path) : EventOutput.ToKafka(servers!, parse.GetValue(topic)!))
                {
                    written = await ChainRun.WriteAsync(simulator, sink, cancellationToken).ConfigureAwait(false);
                }

                if (path != "-")
                {
                    Console.WriteLine($"wrote {written:N0} decisions of the chain {ChainOptions.Router} -> {ChainOptions.Responder} -> {ChainOptions.ToolAgent} (drift {chainDrift} from ticket #{simulator.OnsetTicket}) to {destination}");
                }

                return 0;
            }

            var run = new SimulationRun(options, parse.GetValue(invalidEvery), parse.GetValue(pace), parse.GetValue(divergeTo));
            await using (var sink = path is not null ? EventOutput.ToFile(path) : EventOutput.ToKafka(servers!, parse.GetValue(topic)!))
            {
                await Progress.RunAsync(
                    $"simulating to {destination}",
                    () => (run.Written, run.Total),
                    quiet: path == "-",
                    ct => run.WriteAsync(sink, ct),
                    cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(manifest) is { } manifestPath)
            {
                await File.WriteAllTextAsync(manifestPath, JsonSerializer.Serialize(run.Manifest, ManifestJson), cancellationToken).ConfigureAwait(false);
            }

            if (path != "-")
            {
                Console.WriteLine($"wrote {run.Written:N0} messages ({run.Manifest.DecisionEvents:N0} decisions, {run.Manifest.StateEvents:N0} state changes, {run.Invalid:N0} malformed) to {destination}");
                foreach (var truth in run.Manifest.Scenarios)
                {
                    Console.WriteLine($"  drift {truth.Spec}: {truth.AgentId} from decision #{truth.OnsetAgentIndex} ({truth.OnsetTimestamp:O}), expect {truth.ExpectedFeature}");
                }
            }

            return 0;
        });
        return command;
    }
}
