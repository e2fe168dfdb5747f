using System.CommandLine;
using DriftWatch.Cli.Hosting;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch run</c>: the service, until Ctrl-C (which drains and commits).</summary>
internal static class RunCommand
{
    internal static Command Create()
    {
        var config = CommonOptions.Config();
        var bootstrap = CommonOptions.BootstrapServers();
        var logLevel = CommonOptions.LogLevel();
        var group = new Option<string?>("--group-id") { Description = "Consumer group (default driftwatch).", HelpName = "GROUP" };
        var topics = new Option<string[]>("--topic", "-t") { Description = "Topic to consume; repeat for several (default agent-decisions).", AllowMultipleArgumentsPerToken = false };
        var record = new Option<string?>("--record") { Description = "Append every valid event to this JSONL file before committing it, for replay audits.", HelpName = "FILE" };
        var command = new Command("run", "Consume agent events from Kafka, detect drift and write results until stopped (Ctrl-C drains and commits).")
        {
            config, bootstrap, group, topics, record, logLevel,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = DriftWatchSettings.LoadConfiguration(parse.GetValue(config));
            void Overrides(DriftWatchSettings settings)
            {
                settings.OverrideLogLevel(parse.GetValue(logLevel));
                if (parse.GetValue(bootstrap) is { Length: > 0 } servers)
                {
                    settings.Kafka.BootstrapServers = servers;
                }

                if (parse.GetValue(group) is { Length: > 0 } groupId)
                {
                    settings.Kafka.GroupId = groupId;
                }

                if (parse.GetValue(topics) is { Length: > 0 } names)
                {
                    settings.Kafka.Topics.Clear();
                    foreach (var name in names)
                    {
                        settings.Kafka.Topics.Add(name);
                    }
                }

                if (parse.GetValue(record) is { Length: > 0 } path)
                {
                    settings.Pipeline.RecordPath = path;
                }
            }

            return await DriftWatchHost.RunAsync(configuration, Overrides, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
