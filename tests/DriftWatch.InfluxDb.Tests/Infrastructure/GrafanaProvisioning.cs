using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Serialization;

namespace DriftWatch.InfluxDb.Tests.Infrastructure;

/// <summary>One InfluxQL query found in a provisioning file.</summary>
public sealed record ProvisionedQuery(string File, string Where, string Query, string? DatasourceUid);

/// <summary>Reads the repository's grafana/ folder: dashboards (JSON) and provisioning files (YAML, read as JSON).</summary>
public static partial class GrafanaProvisioning
{
    public const string DatasourceUid = "driftwatch-influxdb";

    public static string RepoRoot { get; } = FindRoot();

    public static string GrafanaDir => Path.Combine(RepoRoot, "grafana");

    public static IReadOnlyList<string> DashboardFiles() =>
        Directory.GetFiles(Path.Combine(GrafanaDir, "dashboards"), "*.json").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> ProvisioningYamlFiles() =>
        Directory.GetFiles(Path.Combine(GrafanaDir, "provisioning"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    public static JsonNode Dashboard(string file) => JsonNode.Parse(File.ReadAllText(file))!;

    /// <summary>Parses YAML and re-reads it as JSON, so tests walk one kind of tree.</summary>
    public static JsonNode Yaml(string file)
    {
        var graph = new DeserializerBuilder().Build().Deserialize(new StringReader(File.ReadAllText(file)))
            ?? throw new InvalidDataException($"{file} is empty.");
        var json = new SerializerBuilder().JsonCompatible().Build().Serialize(graph);
        return JsonNode.Parse(json)!;
    }

    /// <summary>Every panel target, template variable and annotation query of every dashboard.</summary>
    public static IReadOnlyList<ProvisionedQuery> DashboardQueries()
    {
        var queries = new List<ProvisionedQuery>();
        foreach (var file in DashboardFiles())
        {
            var name = Path.GetFileName(file);
            var dashboard = Dashboard(file);
            foreach (var panel in Panels(dashboard["panels"]?.AsArray()))
            {
                foreach (var target in panel["targets"]?.AsArray() ?? [])
                {
                    queries.Add(new ProvisionedQuery(name, $"panel '{panel["title"]}' {target!["refId"]}",
                        (string)target["query"]!, Uid(target["datasource"] ?? panel["datasource"])));
                }
            }

            foreach (var variable in dashboard["templating"]?["list"]?.AsArray() ?? [])
            {
                var query = variable!["query"];
                var text = query is JsonObject o ? (string?)o["query"] : (string?)query;
                if (text is not null)
                {
                    queries.Add(new ProvisionedQuery(name, $"variable ${variable["name"]}", text, Uid(variable["datasource"])));
                }
            }

            foreach (var annotation in dashboard["annotations"]?["list"]?.AsArray() ?? [])
            {
                if (annotation!["query"] is { } q)
                {
                    queries.Add(new ProvisionedQuery(name, $"annotation '{annotation["name"]}'", (string)q!, Uid(annotation["datasource"])));
                }
            }
        }

        return queries;
    }

    /// <summary>Every alert rule data query that goes to a data source (expressions excluded).</summary>
    public static IReadOnlyList<(ProvisionedQuery Query, JsonNode Rule)> AlertRuleQueries()
    {
        var queries = new List<(ProvisionedQuery, JsonNode)>();
        foreach (var file in ProvisioningYamlFiles().Where(f => f.Contains($"{Path.DirectorySeparatorChar}alerting{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var root = Yaml(file);
            foreach (var group in root["groups"]?.AsArray() ?? [])
            {
                foreach (var rule in group!["rules"]!.AsArray())
                {
                    foreach (var data in rule!["data"]!.AsArray())
                    {
                        var uid = (string?)data!["datasourceUid"];
                        if (uid == "__expr__")
                        {
                            continue;
                        }

                        queries.Add((new ProvisionedQuery(Path.GetFileName(file), $"rule {rule["uid"]} {data["refId"]}",
                            (string)data["model"]!["query"]!, uid), rule));
                    }
                }
            }
        }

        return queries;
    }

    public static IEnumerable<JsonNode> Panels(JsonArray? panels)
    {
        foreach (var panel in panels ?? [])
        {
            yield return panel!;
            foreach (var nested in Panels(panel!["panels"]?.AsArray()))
            {
                yield return nested;
            }
        }
    }

    /// <summary>
    /// Replaces the Grafana macros and template variables a query uses with concrete values, as Grafana does
    /// before sending it: $timeFilter, $__interval, and $name / ${name} variables (regex-escaped, since the
    /// dashboards use them as /^$name$/). Throws if a $ is left over.
    /// </summary>
    public static string Substitute(string query, DateTimeOffset from, DateTimeOffset to, string interval, IReadOnlyDictionary<string, string> variables)
    {
        var result = query
            .Replace("$timeFilter", string.Create(CultureInfo.InvariantCulture,
                $"time >= {from.ToUnixTimeMilliseconds()}ms and time <= {to.ToUnixTimeMilliseconds()}ms"), StringComparison.Ordinal)
            .Replace("$__interval_ms", ((long)ParseInterval(interval).TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", interval, StringComparison.Ordinal);
        foreach (var (name, value) in variables.OrderByDescending(v => v.Key.Length))
        {
            result = result
                .Replace("${" + name + "}", RegexEscape(value), StringComparison.Ordinal)
                .Replace("$" + name, RegexEscape(value), StringComparison.Ordinal);
        }

        if (MacroRegex().IsMatch(result))
        {
            throw new InvalidOperationException($"Unsubstituted macro or variable in [{result}]");
        }

        return result;
    }

    /// <summary>Measurement names a query reads (FROM "x"), outside subqueries' own FROM clauses too.</summary>
    public static IEnumerable<string> Measurements(string query) =>
        FromRegex().Matches(query).Select(m => m.Groups[1].Value);

    private static string RegexEscape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (@"\^$.|?*+()[]{}/".Contains(c, StringComparison.Ordinal))
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static TimeSpan ParseInterval(string interval) => interval[^1] switch
    {
        's' => TimeSpan.FromSeconds(int.Parse(interval[..^1], CultureInfo.InvariantCulture)),
        'm' => TimeSpan.FromMinutes(int.Parse(interval[..^1], CultureInfo.InvariantCulture)),
        'h' => TimeSpan.FromHours(int.Parse(interval[..^1], CultureInfo.InvariantCulture)),
        _ => throw new FormatException(interval),
    };

    private static string? Uid(JsonNode? datasource) => datasource switch
    {
        JsonObject o => (string?)o["uid"],
        JsonValue v => (string?)v,
        _ => null,
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DriftWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("DriftWatch.sln not found above the test binaries.");
    }

    // A Grafana macro or variable: $name or ${name}; a bare $ closing a regex (/^x$/) is not one.
    [GeneratedRegex(@"\$(\{|[A-Za-z_])")]
    private static partial Regex MacroRegex();

    [GeneratedRegex(@"FROM\s+""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex FromRegex();
}
