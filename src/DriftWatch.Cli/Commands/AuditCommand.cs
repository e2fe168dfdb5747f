using System.CommandLine;
using DriftWatch.Api.Audit;
using DriftWatch.Api.Hosting;
using DriftWatch.Cli.Hosting;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace DriftWatch.Cli.Commands;

/// <summary><c>driftwatch audit</c>: what the rollback webhook received, decided and did.</summary>
internal static class AuditCommand
{
    internal static Command Create()
    {
        var config = CommonOptions.Config();
        var file = new Option<string?>("--file", "-f") { Description = "Audit file (default: Api:Rollback:AuditFilePath, .driftwatch/audit.jsonl).", HelpName = "FILE" };
        var agent = new Option<string?>("--agent") { Description = "Only records of this agent.", HelpName = "AGENT_ID" };
        var last = new Option<int>("--last", "-n") { Description = "How many of the latest records to show.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print records as JSON lines instead of a table." };
        var command = new Command("audit", "Show the audit trail: alerts received, decisions, rollback plans and their execution.")
        {
            config, file, agent, last, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = DriftWatchSettings.Load(parse.GetValue(config));
            var options = new DriftWatchApiOptions();
            settings.Configuration.GetSection("Api").Bind(options);
            var path = parse.GetValue(file) ?? options.Rollback.AuditFilePath;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"No audit trail at '{path}' (nothing received yet, or use --file).", path);
            }

            var records = await AuditTrailReader.ReadLastAsync(path, Math.Max(1, parse.GetValue(last)), parse.GetValue(agent), cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                foreach (var record in records)
                {
                    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(record, AuditJson.Options));
                }

                return 0;
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("time", "kind", "agent", "feature", "decision", "command", "detail");
            foreach (var record in records)
            {
                table.AddRow(
                    record.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(record.Kind),
                    Markup.Escape(record.AgentId ?? "-"),
                    Markup.Escape(record.Feature ?? "-"),
                    Markup.Escape(record.Decision ?? (record.Succeeded is { } ok ? (ok ? "succeeded" : "failed") : "-")),
                    Markup.Escape(record.CommandId ?? "-"),
                    Markup.Escape(record.Detail ?? string.Empty));
            }

            Terminal.WidenWhenRedirected();
            AnsiConsole.Write(table);
            Console.WriteLine($"{records.Count} record(s) from {path}");
            return 0;
        });
        return command;
    }
}
