using System.CommandLine;
using DriftWatch.Core.Snapshots;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch compare</c>: the same agent in two environments, side by side, with a drift score.</summary>
internal static class CompareCommand
{
    internal static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "Recorded events of both environments (JSONL).", Required = true, HelpName = "EVENTS.jsonl" };
        var agent = new Option<string>("--agent", "-a") { Description = "Agent to compare.", Required = true, HelpName = "AGENT_ID" };
        var reference = new Option<string>("--reference") { Description = "Reference environment.", DefaultValueFactory = _ => "production" };
        var other = new Option<string>("--other") { Description = "Environment compared with it.", DefaultValueFactory = _ => "staging" };
        var decision = new Option<string?>("--decision") { Description = "Only this decision name.", HelpName = "NAME" };
        var format = SnapshotCommand.DiffFormat();
        var output = SnapshotCommand.DiffOutput();
        var command = new Command("compare", "Compare one agent's behaviour in two environments (e.g. staging vs production): per-feature differences and a drift score.")
        {
            input, agent, reference, other, decision, format, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(input)!;
            var name = parse.GetValue(agent)!;
            var a = await SnapshotCommand.BuildAsync(path, new SnapshotScope(name, parse.GetValue(reference)!, parse.GetValue(decision)), null, null, cancellationToken).ConfigureAwait(false);
            var b = await SnapshotCommand.BuildAsync(path, new SnapshotScope(name, parse.GetValue(other)!, parse.GetValue(decision)), null, null, cancellationToken).ConfigureAwait(false);
            var diff = SnapshotDiff.CompareEnvironments(a, b);
            await SnapshotCommand.WriteDiffAsync(diff, parse.GetValue(format)!, parse.GetValue(output), cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"{name}: {parse.GetValue(other)} vs {parse.GetValue(reference)} drift score {diff.DriftScore:F3}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
