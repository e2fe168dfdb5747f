using System.CommandLine;
using System.Text;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Detection;
using DriftWatch.Core.Events;

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
        var config = CommonOptions.Config();
        var command = new Command("replay", "Run the drift detectors over a recorded JSONL file, for audits, backtests and evaluation.")
        {
            input, alertsOut, config,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = DriftWatchSettings.Load(parse.GetValue(config));
            var monitor = Detection.CreateMonitor(settings);
            var inputPath = parse.GetValue(input)!;
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"Input file '{inputPath}' does not exist.", inputPath);
            }

            var outPath = parse.GetValue(alertsOut)!;
            using var reader = new StreamReader(inputPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            await using var output = outPath == "-" ? Console.OpenStandardOutput() : new FileStream(outPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            long lines = 0, events = 0, bad = 0, alerts = 0;
            var length = new FileInfo(inputPath).Length;
            await Progress.RunAsync(
                $"replaying {inputPath}",
                () => (reader.BaseStream.Position, length),
                quiet: outPath == "-",
                async ct =>
                {
                    while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                    {
                        lines++;
                        if (string.IsNullOrWhiteSpace(line))
                        {
                            continue;
                        }

                        var result = AgentEventParser.Parse(Encoding.UTF8.GetBytes(line));
                        switch (result.Kind)
                        {
                            case AgentEventKind.Decision:
                                events++;
                                foreach (var alert in monitor.Observe(result.Decision!).Alerts)
                                {
                                    alerts++;
                                    await output.WriteAsync(DriftAlertJson.ToUtf8(alert), ct).ConfigureAwait(false);
                                    output.WriteByte((byte)'\n');
                                }

                                break;
                            case AgentEventKind.State:
                                events++;
                                monitor.Observe(result.State!);
                                break;
                            default:
                                bad++;
                                await Console.Error.WriteLineAsync($"line {lines}: {result.Error}").ConfigureAwait(false);
                                break;
                        }
                    }
                },
                cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"replayed {lines:N0} lines: {events:N0} events, {bad:N0} bad lines skipped, {alerts:N0} alerts written to {outPath}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
