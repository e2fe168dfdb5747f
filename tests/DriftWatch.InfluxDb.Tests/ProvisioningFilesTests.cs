using System.Text.Json.Nodes;
using DriftWatch.InfluxDb.Tests.Infrastructure;

namespace DriftWatch.InfluxDb.Tests;

/// <summary>The grafana/ provisioning files parse and refer to each other by the same uids.</summary>
public sealed class ProvisioningFilesTests
{
    private static readonly string[] WrittenMeasurements =
    [
        InfluxSchema.DriftScore, InfluxSchema.DriftAlert, InfluxSchema.WindowStats,
        InfluxSchema.WindowOutcome, InfluxSchema.WindowNumeric, InfluxSchema.PipelineHealth,
        InfluxSchema.AgentEdge,
    ];

    [Fact]
    public void ProvisioningYaml_AllFiles_ParseWithApiVersion1()
    {
        var files = GrafanaProvisioning.ProvisioningYamlFiles();

        Assert.Contains(files, f => f.EndsWith("influxdb.yaml", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal("1", (string?)GrafanaProvisioning.Yaml(f)["apiVersion"]));
    }

    [Fact]
    public void Datasource_Provisioned_IsInfluxQlOnDriftwatchDatabase()
    {
        var ds = Assert.Single(DataSources());

        Assert.Equal(GrafanaProvisioning.DatasourceUid, (string?)ds["uid"]);
        Assert.Equal("influxdb", (string?)ds["type"]);
        Assert.Equal("driftwatch", (string?)ds["jsonData"]!["dbName"]);
        Assert.Equal("InfluxQL", (string?)ds["jsonData"]!["version"]);
    }

    [Fact]
    public void Dashboards_AllFiles_HaveUniqueUidsAndUseTheProvisionedDatasource()
    {
        var dashboards = GrafanaProvisioning.DashboardFiles().Select(GrafanaProvisioning.Dashboard).ToList();
        var uids = dashboards.Select(d => (string?)d["uid"]).ToList();

        Assert.Equal(3, dashboards.Count);
        Assert.Equal(uids.Count, uids.Distinct().Count());
        Assert.All(GrafanaProvisioning.DashboardQueries(), q => Assert.Equal(GrafanaProvisioning.DatasourceUid, q.DatasourceUid));
        Assert.All(dashboards.SelectMany(d => GrafanaProvisioning.Panels(d["panels"]!.AsArray())),
            p => Assert.Equal(GrafanaProvisioning.DatasourceUid, (string?)p["datasource"]!["uid"]));
    }

    [Fact]
    public void AlertRules_Provisioned_QueryTheDatasourceAndLinkAnExistingDashboardPanel()
    {
        var rules = GrafanaProvisioning.AlertRuleQueries();
        var dashboards = GrafanaProvisioning.DashboardFiles().Select(GrafanaProvisioning.Dashboard)
            .ToDictionary(d => (string)d["uid"]!);

        Assert.NotEmpty(rules);
        foreach (var (query, rule) in rules)
        {
            Assert.Equal(GrafanaProvisioning.DatasourceUid, query.DatasourceUid);
            var annotations = rule["annotations"]!;
            var dashboardUid = (string)rule["dashboardUid"]!;
            Assert.True(dashboards.ContainsKey(dashboardUid), $"rule {rule["uid"]} links unknown dashboard {dashboardUid}");
            var panelId = rule["panelId"]!.ToString();
            Assert.Contains(GrafanaProvisioning.Panels(dashboards[dashboardUid]["panels"]!.AsArray()), p => p["id"]!.ToString() == panelId);
            Assert.Contains($"/d/{dashboardUid}/", (string)annotations["dashboard_url"]!, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace((string?)annotations["summary"]));
            Assert.Null(annotations["__dashboardUid__"]);
            Assert.Null(annotations["__panelId__"]);
            foreach (var label in new[] { "agent_id", "environment", "feature" })
            {
                Assert.Contains($"\"{label}\"", query.Query, StringComparison.Ordinal);
                Assert.NotNull(rule["labels"]![label]);
            }
        }
    }

    [Fact]
    public void Queries_AllProvisioned_ReadOnlyMeasurementsTheSinkWrites()
    {
        var queries = GrafanaProvisioning.DashboardQueries().Concat(GrafanaProvisioning.AlertRuleQueries().Select(r => r.Query)).ToList();

        var measurements = queries.SelectMany(q => GrafanaProvisioning.Measurements(q.Query)).Distinct().ToList();

        Assert.NotEmpty(measurements);
        Assert.All(measurements, m => Assert.Contains(m, WrittenMeasurements));
        Assert.DoesNotContain(queries, q => q.Query.Contains("from(bucket", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ContactPoint_Webhook_PointsAtRollbackEndpointWithHmacSigning()
    {
        var root = GrafanaProvisioning.Yaml(File("alerting", "contact-points.yaml"));
        var receiver = root["contactPoints"]![0]!["receivers"]![0]!;

        Assert.Equal("webhook", (string?)receiver["type"]);
        Assert.Equal("http://driftwatch:9464/webhooks/grafana", (string?)receiver["settings"]!["url"]);
        var hmac = receiver["settings"]!["hmacConfig"]!;
        Assert.False(string.IsNullOrWhiteSpace((string?)hmac["secret"]));
        Assert.Equal("X-Grafana-Alerting-Signature", (string?)hmac["header"]);
        Assert.Equal("X-Grafana-Alerting-Timestamp", (string?)hmac["timestampHeader"]);
    }

    [Fact]
    public void AlertRules_Templates_FormatOnlyNumbersAndNameExistingQueries()
    {
        var templates = GrafanaProvisioning.AlertRuleQueries()
            .Select(static r => r.Rule)
            .Distinct()
            .SelectMany(static rule => rule["annotations"]!.AsObject().Select(a => (Rule: rule, Text: a.Value!.ToString())))
            .ToList();

        Assert.NotEmpty(templates);
        foreach (var (rule, text) in templates)
        {
            // .Value is a string in Grafana's template data: printf "%.2f" .Value renders a formatting error.
            Assert.DoesNotMatch(@"printf\s+""[^""]*""\s+\.Value", text);
            var refIds = rule["data"]!.AsArray().Select(static d => (string)d!["refId"]!).ToHashSet();
            foreach (System.Text.RegularExpressions.Match used in System.Text.RegularExpressions.Regex.Matches(text, @"\$values\.(\w+)"))
            {
                Assert.Contains(used.Groups[1].Value, refIds);
            }
        }
    }

    [Fact]
    public void NotificationPolicy_DriftAlerts_RouteToTheRollbackContactPoint()
    {
        var contactPoints = GrafanaProvisioning.Yaml(File("alerting", "contact-points.yaml"))["contactPoints"]!.AsArray()
            .Select(c => (string)c!["name"]!).ToList();
        var policy = GrafanaProvisioning.Yaml(File("alerting", "notification-policies.yaml"))["policies"]![0]!;
        var ruleLabels = GrafanaProvisioning.AlertRuleQueries().Select(r => (string?)r.Rule["labels"]!["driftwatch"]).Distinct().ToList();

        var route = Assert.Single(policy["routes"]!.AsArray())!;
        Assert.Contains((string)route["receiver"]!, contactPoints);
        var matcher = route["object_matchers"]![0]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["driftwatch", "=", "drift"], matcher);
        Assert.Equal(["drift"], ruleLabels);
    }

    [Fact]
    public void DashboardProvider_Provisioned_LoadsFromTheComposeMountPath()
    {
        var provider = GrafanaProvisioning.Yaml(File("dashboards", "driftwatch.yaml"))["providers"]![0]!;
        var compose = System.IO.File.ReadAllText(Path.Combine(GrafanaProvisioning.RepoRoot, "docker", "compose.yaml"));

        Assert.Equal("file", (string?)provider["type"]);
        Assert.Contains("../grafana/dashboards:" + (string)provider["options"]!["path"]!, compose, StringComparison.Ordinal);
    }

    private static IEnumerable<JsonNode> DataSources() =>
        GrafanaProvisioning.Yaml(File("datasources", "influxdb.yaml"))["datasources"]!.AsArray().Select(d => d!);

    private static string File(string folder, string name) =>
        Path.Combine(GrafanaProvisioning.GrafanaDir, "provisioning", folder, name);
}
