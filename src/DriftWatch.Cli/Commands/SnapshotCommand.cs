using System.CommandLine;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Snapshots;
using Spectre.Console;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch snapshot take|list|show|diff|pin</c>: behavioural snapshots of an agent.</summary>
internal static class SnapshotCommand
{
    internal static Command Create()
    {
        var command = new Command("snapshot", "Behavioural snapshots: take one from a recording, list, show, diff two, pin one as an agent's baseline.");
        command.Subcommands.Add(Take());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Diff());
        command.Subcommands.Add(Pin());
        return command;
    }

    private static Command Take()
    {
        var input = new Option<string>("--input", "-i") { Description = "Recorded events (JSONL).", Required = true, HelpName = "EVENTS.jsonl" };
        var agent = new Option<string>("--agent", "-a") { Description = "Agent to snapshot.", Required = true, HelpName = "AGENT_ID" };
        var environment = new Option<string>("--environment", "-e") { Description = "Environment.", DefaultValueFactory = _ => "production" };
        var decision = new Option<string?>("--decision") { Description = "Only this decision name (default: all of the agent's decisions).", HelpName = "NAME" };
        var from = new Option<DateTimeOffset?>("--from") { Description = "First event time included (RFC 3339).", HelpName = "TIME" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Events before this time only (RFC 3339).", HelpName = "TIME" };
        var store = new SnapshotStoreOptions();
        var take = new Command("take", "Build a snapshot of one agent from a recording and store it; prints its content id.")
        {
            input, agent, environment, decision, from, to,
        };
        store.AddTo(take);
        take.SetAction(async (parse, cancellationToken) =>
        {
            var scope = new SnapshotScope(parse.GetValue(agent)!, parse.GetValue(environment)!, parse.GetValue(decision));
            var snapshot = await BuildAsync(parse.GetValue(input)!, scope, parse.GetValue(from), parse.GetValue(to), cancellationToken).ConfigureAwait(false);
            var snapshots = store.Open(parse);
            using var owned = snapshots as IDisposable;
            var id = await snapshots.PutAsync(snapshot, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(id);
            await Console.Error.WriteLineAsync($"{scope}: {snapshot.EventCount:N0} events, {snapshot.From:O} .. {snapshot.To:O}").ConfigureAwait(false);
            return 0;
        });
        return take;
    }

    private static Command List()
    {
        var store = new SnapshotStoreOptions();
        var list = new Command("list", "List stored snapshots and pins.");
        store.AddTo(list);
        list.SetAction(async (parse, cancellationToken) =>
        {
            var snapshots = store.Open(parse);
            using var owned = snapshots as IDisposable;
            var pins = await snapshots.ListPinsAsync(cancellationToken).ConfigureAwait(false);
            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("id", "scope", "from", "to", "events", "bytes", "pinned");
            foreach (var info in await snapshots.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                table.AddRow(
                    Markup.Escape(info.Id),
                    Markup.Escape(info.Scope.ToString()),
                    info.From?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    info.To?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    info.EventCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    info.SizeBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    pins.Any(p => p.SnapshotId == info.Id) ? "yes" : string.Empty);
            }

            Terminal.WidenWhenRedirected();
            AnsiConsole.Write(table);
            return 0;
        });
        return list;
    }

    private static Command Show()
    {
        var id = new Argument<string>("id") { Description = "Snapshot id (sha256:...)." };
        var store = new SnapshotStoreOptions();
        var show = new Command("show", "Print one snapshot: its scope, time range, versions and feature profiles.") { id };
        store.AddTo(show);
        show.SetAction(async (parse, cancellationToken) =>
        {
            var snapshots = store.Open(parse);
            using var owned = snapshots as IDisposable;
            var snapshot = await LoadAsync(snapshots, parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            Console.Write(SnapshotTextRenderer.Render(snapshot));
            return 0;
        });
        return show;
    }

    private static Command Diff()
    {
        var baseline = new Argument<string>("baseline") { Description = "Snapshot id of the known-good behaviour." };
        var candidate = new Argument<string>("candidate") { Description = "Snapshot id to compare with it." };
        var store = new SnapshotStoreOptions();
        var format = DiffFormat();
        var output = DiffOutput();
        var diff = new Command("diff", "What changed between two snapshots, per feature and segment, ranked.") { baseline, candidate, format, output };
        store.AddTo(diff);
        diff.SetAction(async (parse, cancellationToken) =>
        {
            var snapshots = store.Open(parse);
            using var owned = snapshots as IDisposable;
            var a = await LoadAsync(snapshots, parse.GetValue(baseline)!, cancellationToken).ConfigureAwait(false);
            var b = await LoadAsync(snapshots, parse.GetValue(candidate)!, cancellationToken).ConfigureAwait(false);
            await WriteDiffAsync(SnapshotDiff.Compute(a, b), parse.GetValue(format)!, parse.GetValue(output), cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return diff;
    }

    private static Command Pin()
    {
        var id = new Argument<string>("id") { Description = "Snapshot id to pin as its agent's known-good baseline." };
        var store = new SnapshotStoreOptions();
        var pin = new Command("pin", "Pin a snapshot as the known-good baseline of its agent and environment.") { id };
        store.AddTo(pin);
        pin.SetAction(async (parse, cancellationToken) =>
        {
            var snapshots = store.Open(parse);
            using var owned = snapshots as IDisposable;
            var result = await snapshots.PinAsync(parse.GetValue(id)!, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"pinned {result.SnapshotId} for {result.AgentId}/{result.Environment}");
            return 0;
        });
        return pin;
    }

    internal static Option<string> DiffFormat() => new("--format", "-f")
    {
        Description = "text (terminal table), json, or html (self-contained report with charts).",
        DefaultValueFactory = _ => "text",
    };

    internal static Option<string?> DiffOutput() => new("--output", "-o") { Description = "Write the report to this file instead of stdout.", HelpName = "FILE" };

    internal static async Task<BehaviourSnapshot> BuildAsync(string path, SnapshotScope scope, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var builder = new SnapshotBuilder(scope);
        long bad = 0;
        await foreach (var decision in RecordingReader.ReadDecisionsAsync(path, (_, _) => bad++, cancellationToken).ConfigureAwait(false))
        {
            if ((from is null || decision.Timestamp >= from) && (to is null || decision.Timestamp < to))
            {
                builder.TryAdd(decision);
            }
        }

        if (builder.Count == 0)
        {
            throw new InvalidOperationException($"No events of {scope} in '{path}'{(from is null && to is null ? string.Empty : " in that time range")}.");
        }

        if (bad > 0)
        {
            await Console.Error.WriteLineAsync($"{bad:N0} bad line(s) skipped").ConfigureAwait(false);
        }

        return builder.Build();
    }

    internal static async Task WriteDiffAsync(SnapshotDiff diff, string format, string? output, CancellationToken cancellationToken)
    {
        var text = format.ToLowerInvariant() switch
        {
            "text" => DiffTextRenderer.Render(diff),
            "json" => DiffJsonRenderer.Render(diff),
            "html" => DiffHtmlRenderer.Render(diff),
            _ => throw new ArgumentException($"--format must be text, json or html, got '{format}'."),
        };
        if (output is null)
        {
            Console.Write(text);
        }
        else
        {
            await File.WriteAllTextAsync(output, text, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"wrote {output} (drift score {diff.DriftScore:F3}, {diff.Significant.Count()} significant change(s))").ConfigureAwait(false);
        }
    }

    private static async Task<BehaviourSnapshot> LoadAsync(ISnapshotStore store, string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new ArgumentException($"No snapshot '{id}' in the store (see 'driftwatch snapshot list').");
}
