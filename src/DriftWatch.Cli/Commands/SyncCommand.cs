using System.CommandLine;
using DriftWatch.Api.Hosting;
using DriftWatch.Api.Sync;
using DriftWatch.Cli.Hosting;
using DriftWatch.Core.Events;
using DriftWatch.Core.Snapshots;
using DriftWatch.Core.Sync;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch sync plan|apply</c>: bring one environment's agent state to another's, key by key.</summary>
internal static class SyncCommand
{
    internal static Command Create()
    {
        var command = new Command("sync", "State sync: what differs between an agent's state in two environments, and a command that brings the target to the source's values.");
        command.Subcommands.Add(Plan());
        command.Subcommands.Add(Apply());
        return command;
    }

    private sealed record PlanOptions(
        Option<string> Input,
        Option<string> Agent,
        Option<string> From,
        Option<string> To,
        Option<string[]> Keys,
        Option<string[]> Features)
    {
        internal static PlanOptions Create() => new(
            new Option<string>("--input", "-i") { Description = "Recorded decision and state events of both environments (JSONL), as replay and compare read.", Required = true, HelpName = "EVENTS.jsonl" },
            new Option<string>("--agent", "-a") { Description = "Agent whose state is compared.", Required = true, HelpName = "AGENT_ID" },
            new Option<string>("--from") { Description = "Source environment: its values are the ones copied.", DefaultValueFactory = _ => "production", HelpName = "ENVIRONMENT" },
            new Option<string>("--to") { Description = "Target environment: the one a sync changes.", DefaultValueFactory = _ => "staging", HelpName = "ENVIRONMENT" },
            new Option<string[]>("--key") { Description = "Limit the sync to this state key (repeatable).", HelpName = "KEY", AllowMultipleArgumentsPerToken = true },
            new Option<string[]>("--feature") { Description = "Limit the sync to the keys attribution links to this behaviour feature, e.g. 'decision.outcome|input.features.urgency=high' (repeatable).", HelpName = "FEATURE", AllowMultipleArgumentsPerToken = true });

        internal void AddTo(Command command)
        {
            command.Options.Add(Input);
            command.Options.Add(Agent);
            command.Options.Add(From);
            command.Options.Add(To);
            command.Options.Add(Keys);
            command.Options.Add(Features);
        }

        internal StateSyncSelection Selection(System.CommandLine.ParseResult parse) => new()
        {
            Keys = [.. (parse.GetValue(Keys) ?? []).Distinct(StringComparer.Ordinal)],
            Features = [.. (parse.GetValue(Features) ?? []).Distinct(StringComparer.Ordinal)],
        };

        internal async Task<StateSyncPlan> BuildAsync(System.CommandLine.ParseResult parse, CancellationToken cancellationToken)
        {
            var path = parse.GetValue(Input)!;
            var agent = parse.GetValue(Agent)!;
            var from = parse.GetValue(From)!;
            var to = parse.GetValue(To)!;
            long bad = 0;
            var changes = new List<StateEvent>();
            await foreach (var change in RecordingReader.ReadStatesAsync(path, (_, _) => bad++, cancellationToken).ConfigureAwait(false))
            {
                changes.Add(change);
            }

            if (bad > 0)
            {
                await Console.Error.WriteLineAsync($"{bad:N0} bad line(s) skipped").ConfigureAwait(false);
            }

            var behaviour = await CompareAsync(path, agent, from, to, cancellationToken).ConfigureAwait(false);
            return StateSyncPlanner.Plan(agent, from, to, changes, behaviour, Selection(parse).Features);
        }

        // The behaviour comparison links keys to what differs; a recording of state events alone has none.
        private static async Task<SnapshotDiff?> CompareAsync(string path, string agent, string from, string to, CancellationToken cancellationToken)
        {
            try
            {
                var reference = await SnapshotCommand.BuildAsync(path, new SnapshotScope(agent, from, null), null, null, cancellationToken).ConfigureAwait(false);
                var other = await SnapshotCommand.BuildAsync(path, new SnapshotScope(agent, to, null), null, null, cancellationToken).ConfigureAwait(false);
                return SnapshotDiff.CompareEnvironments(reference, other);
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync($"no behaviour comparison ({ex.Message}); keys are linked only to --feature").ConfigureAwait(false);
                return null;
            }
        }
    }

    private static Command Plan()
    {
        var options = PlanOptions.Create();
        var format = SnapshotCommand.DiffFormat();
        var output = SnapshotCommand.DiffOutput();
        var plan = new Command("plan", "Per state key: value, version and change time in both environments, and the behaviour features attribution links it to.") { format, output };
        options.AddTo(plan);
        plan.SetAction(async (parse, cancellationToken) =>
        {
            var result = await options.BuildAsync(parse, cancellationToken).ConfigureAwait(false);
            var text = parse.GetValue(format)!.ToLowerInvariant() switch
            {
                "text" => StateSyncRenderers.Text(result),
                "json" => StateSyncRenderers.Json(result),
                "html" => StateSyncRenderers.Html(result),
                var other => throw new ArgumentException($"--format must be text, json or html, got '{other}'."),
            };
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
                await Console.Error.WriteLineAsync($"wrote {path} ({result.Differences.Count} differing key(s))").ConfigureAwait(false);
            }
            else
            {
                Console.Write(text);
            }

            return 0;
        });
        return plan;
    }

    private static Command Apply()
    {
        var options = PlanOptions.Create();
        var execute = new Option<bool>("--execute") { Description = "Publish the command on the control topic. Without it the sync is a dry run: planned and audited, not sent." };
        var config = CommonOptions.Config();
        var bootstrap = CommonOptions.BootstrapServers();
        var controlTopic = new Option<string?>("--control-topic") { Description = "Control topic (default: Api:Rollback:ControlTopic, agent-control).", HelpName = "TOPIC" };
        var auditFile = new Option<string?>("--audit-file") { Description = "Audit file (default: Api:Rollback:AuditFilePath, .driftwatch/audit.jsonl).", HelpName = "FILE" };
        var apply = new Command("apply", "Publish a driftwatch.sync/v1 command on the control topic that brings the target's keys to the source's values; dry run unless --execute. Audited like rollbacks; the same sync is sent once.")
        {
            execute, config, bootstrap, controlTopic, auditFile,
        };
        options.AddTo(apply);
        apply.SetAction(async (parse, cancellationToken) =>
        {
            var settings = DriftWatchSettings.Load(parse.GetValue(config));
            var api = new DriftWatchApiOptions();
            settings.Configuration.GetSection("Api").Bind(api);
            var rollback = api.Rollback;
            rollback.KafkaBootstrapServers = parse.GetValue(bootstrap) ?? rollback.KafkaBootstrapServers ?? settings.Kafka.BootstrapServers;
            rollback.ControlTopic = parse.GetValue(controlTopic) ?? rollback.ControlTopic;
            rollback.AuditFilePath = parse.GetValue(auditFile) ?? rollback.AuditFilePath;

            var plan = await options.BuildAsync(parse, cancellationToken).ConfigureAwait(false);
            var selection = options.Selection(parse);
            var selected = plan.Select(selection.Keys, selection.Features);
            var dryRun = !parse.GetValue(execute);
            if (selected.Count == 0)
            {
                await Console.Error.WriteLineAsync($"{plan.AgentId}: nothing to sync ({plan.Differences.Count} differing key(s), none selected)").ConfigureAwait(false);
                return 0;
            }

            var command = StateSyncCommand.FromPlan(plan, selected, selection, TimeProvider.System.GetUtcNow(), dryRun);
            Console.WriteLine(StateSyncJson.SerializeIndented(command));
            using var loggers = LoggerFactory.Create(static b => b.AddSimpleConsole(static o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
            await using var publisher = StateSyncPublisher.Open(rollback, loggers, TimeProvider.System, producer =>
            {
                settings.Kafka.ApplyClientSettings(producer);
                producer.BootstrapServers = rollback.KafkaBootstrapServers;
            });
            var outcome = await publisher.ApplyAsync(command, !dryRun, cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"{command.CommandId}: {outcome.Decision}: {outcome.Detail} (audit {publisher.AuditFilePath})").ConfigureAwait(false);
            return outcome.Decision == Api.Audit.AuditDecisions.Failed ? 1 : 0;
        });
        return apply;
    }
}
