using System.CommandLine;
using System.Text;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Replay;

namespace DriftWatch.Cli.Commands;

/// <summary>
/// <c>driftwatch replay</c> (CONTRACT.md section 3): the streaming detectors over a recorded file, on event
/// time only, so the same file gives the same alerts on every run.
/// </summary>
internal static class ReplayCommand
{
    internal static Command Create()
    {
        var input = new Option<string>("--input", "-i") { Description = "Events to replay, one JSON event per line.", HelpName = "EVENTS.jsonl", Required = true };
        var alertsOut = new Option<string>("--alerts-out", "-o") { Description = "Where to write alerts, one JSON line each ('-' for stdout).", HelpName = "ALERTS.jsonl", Required = true };
        var stateIn = new Option<string?>("--state-in") { Description = "Start from the detection state a previous replay wrote with --state-out.", HelpName = "STATE" };
        var stateOut = new Option<string?>("--state-out") { Description = "After the last line, write every behaviour's full state here (same records as the changelog topic).", HelpName = "STATE" };
        var config = CommonOptions.Config();
        var command = new Command("replay", "Run the drift detectors over a recorded JSONL file, for audits, backtests and evaluation.")
        {
            input, alertsOut, stateIn, stateOut, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = DriftWatchSettings.Load(parse.GetValue(config));
            var detection = await Detection.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
            var runner = new ReplayRunner(detection.Monitor);
            var inputPath = parse.GetValue(input)!;
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"Input file '{inputPath}' does not exist.", inputPath);
            }

            if (parse.GetValue(stateIn) is { } stateInPath)
            {
                await using var state = File.OpenRead(stateInPath);
                int restored = ReplayState.Read(detection.Detector, state);
                await Console.Error.WriteLineAsync($"restored {restored:N0} state records from {stateInPath}").ConfigureAwait(false);
            }

            var outPath = parse.GetValue(alertsOut)!;
            // Read as bytes: lines are split and parsed without decoding them to strings (same alerts as text).
            await using var reader = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            await using var writer = outPath == "-"
                ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false))
                : new StreamWriter(outPath, append: false, new UTF8Encoding(false), bufferSize: 1 << 16);
            writer.NewLine = "\n";
            var length = Math.Max(1, new FileInfo(inputPath).Length);
            ReplaySummary? summary = null;
            await Progress.RunAsync(
                $"replaying {inputPath}",
                () => (reader.Position, length),
                quiet: outPath == "-",
                async ct => summary = await runner.RunAsync(
                    reader,
                    writer,
                    bad => Console.Error.WriteLine($"line {bad.LineNumber}: {bad.Reason}"),
                    cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(stateOut) is { } stateOutPath)
            {
                // Written beside and then moved, so a crash never leaves a half state file under the name.
                string temporary = stateOutPath + ".tmp";
                await using (var state = File.Create(temporary))
                {
                    int written = ReplayState.Write(detection.Detector, state);
                    await Console.Error.WriteLineAsync($"wrote {written:N0} state records to {stateOutPath}").ConfigureAwait(false);
                }

                File.Move(temporary, stateOutPath, overwrite: true);
            }

            await Console.Error.WriteLineAsync(
                $"replayed {summary!.Lines:N0} lines: {summary.DecisionEvents:N0} decisions, {summary.StateEvents:N0} state changes, " +
                $"{summary.BadLines:N0} bad lines skipped, {summary.Alerts:N0} alerts written to {outPath}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
