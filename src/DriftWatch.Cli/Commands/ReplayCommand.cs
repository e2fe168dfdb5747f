using System.CommandLine;
using System.Text;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Replay;
using DriftWatch.Otlp.Replay;
using Microsoft.Extensions.DependencyInjection;

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
        var incidentsOut = new Option<string?>("--incidents-out") { Description = "Also group the alerts into incidents and write each opened or updated incident here, one driftwatch.incident/v1 JSON line each ('-' for stdout). Incident grouping state travels in the --state-out/--state-in file with the rest of the detection state.", HelpName = "INCIDENTS.jsonl" };
        var config = CommonOptions.Config();
        var format = new Option<string>("--format") { Description = "Input format: 'jsonl' (decision and state events) or 'otlp-json' (OpenTelemetry Collector file-exporter lines).", HelpName = "FORMAT", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "otlp-json");
        var command = new Command("replay", "Run the drift detectors over a recorded JSONL file, for audits, backtests and evaluation.")
        {
            input, alertsOut, incidentsOut, stateIn, stateOut, config, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // The same registration as run, with the file as the event source: the detection stack, options binding
            // and validation are the service's, and nothing is started (no Kafka consumer, no API).
            using var host = DriftWatchHost.Build(DriftWatchSettings.LoadConfiguration(parse.GetValue(config)), DriftWatchHost.FileSource);
            var components = host.Services.GetRequiredService<DriftWatchComponents>();

            // Pipeline:DetectionWorkers stacks, each owning a share of the agents (same alerts as one stack); one
            // while propagation is on, which needs the events in file order.
            var shards = new List<DetectionStack>();
            for (int shard = 0; shard < components.ReplayDetectionWorkers; shard++)
            {
                shards.Add(await components.CreateDetectionAsync(cancellationToken).ConfigureAwait(false));
            }

            var detectors = shards.Select(s => s.Detector).ToList();
            var incidentsPath = parse.GetValue(incidentsOut);
            await using var incidentsWriter = incidentsPath switch
            {
                null => null,
                "-" => new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { NewLine = "\n" },
                _ => new StreamWriter(incidentsPath, append: false, new UTF8Encoding(false), bufferSize: 1 << 16) { NewLine = "\n" },
            };
            // The monitor groups incidents itself (IncidentDetector); the runner only writes them.
            var runner = new ReplayRunner(shards.Select(s => s.Monitor).ToList()) { IncidentsOut = incidentsWriter };
            var inputPath = parse.GetValue(input)!;
            if (!File.Exists(inputPath))
            {
                throw new FileNotFoundException($"Input file '{inputPath}' does not exist.", inputPath);
            }

            if (parse.GetValue(stateIn) is { } stateInPath)
            {
                await using var state = File.OpenRead(stateInPath);
                int restored = ReplayState.Read(detectors, state);
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
            // OTLP JSON lines are mapped to decision events as text; decision-event files replay from bytes.
            using var text = parse.GetValue(format) == "otlp-json" ? new StreamReader(reader, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16) : null;
            using var otlp = text is null ? null : new OtlpJsonLineReader(text, (line, reason) => Console.Error.WriteLine($"line {line}: {reason}"));
            void OnBadLine(BadLine bad) => Console.Error.WriteLine($"line {bad.LineNumber}: {bad.Reason}");
            ReplaySummary? summary = null;
            await Progress.RunAsync(
                $"replaying {inputPath}",
                () => (reader.Position, length),
                quiet: outPath == "-",
                async ct => summary = otlp is null
                    ? await runner.RunAsync(reader, writer, OnBadLine, cancellationToken: ct).ConfigureAwait(false)
                    : await runner.RunAsync(otlp, writer, OnBadLine, cancellationToken: ct).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(stateOut) is { } stateOutPath)
            {
                // Written beside and then moved, so a crash never leaves a half state file under the name.
                string temporary = stateOutPath + ".tmp";
                await using (var state = File.Create(temporary))
                {
                    int written = ReplayState.Write(detectors, state);
                    await Console.Error.WriteLineAsync($"wrote {written:N0} state records to {stateOutPath}").ConfigureAwait(false);
                }

                File.Move(temporary, stateOutPath, overwrite: true);
            }

            if (otlp is not null)
            {
                await Console.Error.WriteLineAsync(
                    $"read {otlp.Lines:N0} OTLP JSON lines: {otlp.DecisionSpans:N0} decision spans, {otlp.RejectedSpans:N0} rejected, " +
                    $"{otlp.IgnoredSpans:N0} other spans ignored, {otlp.BadLines:N0} bad lines skipped").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync(
                $"replayed {summary!.Lines:N0} lines: {summary.DecisionEvents:N0} decisions, {summary.StateEvents:N0} state changes, " +
                $"{summary.BadLines:N0} bad lines skipped, {summary.Alerts:N0} alerts written to {outPath}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
