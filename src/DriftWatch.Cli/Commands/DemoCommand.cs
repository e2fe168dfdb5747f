using System.CommandLine;
using DriftWatch.Cli.Demo;
using DriftWatch.Cli.Hosting;
using DriftWatch.Simulation;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch demo</c>: everything embedded, about a minute, no servers to set up.</summary>
internal static class DemoCommand
{
    internal static Command Create()
    {
        var config = CommonOptions.Config();
        var duration = new Option<int>("--duration") { Description = "Approximate length in seconds.", DefaultValueFactory = _ => 60 };
        var agents = new Option<int>("--agents") { Description = "Agents in the simulated fleet.", DefaultValueFactory = _ => 4 };
        var events = new Option<int>("--events", "-n") { Description = "Decision events across the fleet.", DefaultValueFactory = _ => 24_000 };
        var seed = new Option<long>("--seed") { Description = "Simulation seed.", DefaultValueFactory = _ => 42 };
        var drift = new Option<string[]>("--drift", "-d")
        {
            Description = "Drift to inject (repeatable; see 'simulate --help'). Default: misrouting of urgent tickets on support-router and a latency creep on billing-triage, both midway.",
            HelpName = "SPEC",
        };
        var brokers = new Option<int>("--brokers") { Description = "Brokers in the embedded Kafka cluster.", DefaultValueFactory = _ => 3 };
        var invalidEvery = new Option<int>("--invalid-every") { Description = "One malformed message after every N events, to show the dead-letter path (0: none).", DefaultValueFactory = _ => 2_000 };
        var command = new Command("demo", "Run DriftWatch end to end on this machine: embedded Kafka, a simulated agent fleet with drift injected midway, live view and summary.")
        {
            config, duration, agents, events, seed, drift, brokers, invalidEvery,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var simulation = new SimulationOptions
            {
                Agents = parse.GetValue(agents),
                Events = parse.GetValue(events),
                Seed = parse.GetValue(seed),
            };
            var specs = parse.GetValue(drift) is { Length: > 0 } given
                ? given
                : ["misrouting:agent=support-router,onset=0.5", "latency-creep:agent=billing-triage,onset=0.5"];
            foreach (var spec in specs)
            {
                simulation.Scenarios.Add(DriftScenario.Parse(spec));
            }

            var seconds = parse.GetValue(duration);
            if (seconds is < 5 or > 3600)
            {
                throw new ArgumentException($"--duration must be between 5 and 3600 seconds, got {seconds}.");
            }

            var settings = new DemoSettings(
                TimeSpan.FromSeconds(seconds),
                simulation,
                parse.GetValue(invalidEvery),
                parse.GetValue(brokers),
                parse.GetValue(config));
            return await DemoRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
