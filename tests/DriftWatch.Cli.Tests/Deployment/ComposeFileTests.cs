using DriftWatch.Api.Hosting;
using DriftWatch.Cli.Hosting;
using DriftWatch.Kafka.Consuming;
using DriftWatch.Service.Pipeline;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace DriftWatch.Cli.Tests.Deployment;

/// <summary>docker/compose.yaml agrees with DriftWatch's settings, its image and Grafana's provisioning.</summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Compose = DeploymentFiles.Yaml("docker", "compose.yaml");
    private static readonly YamlMappingNode Services = Compose.Map("services");

    private static YamlNode Service(string name) => Services.Children[new YamlScalarNode(name)];

    private static string Setting(string name) =>
        DeploymentFiles.Environment(Service("driftwatch")).Single(e => e.Name == "DRIFTWATCH_" + name.Replace(":", "__", StringComparison.Ordinal)).Value;

    [Fact]
    public void Environment_EveryDriftWatchVariable_NamesAKnownSetting()
    {
        var variables = Services.Children.Values.SelectMany(DeploymentFiles.Environment)
            .Where(static e => e.Name.StartsWith(DriftWatchSettings.EnvironmentPrefix, StringComparison.Ordinal)
                && e.Name != DriftWatchSettings.BootstrapServersVariable)
            .ToList();
        var keys = variables.Select(static e => e.Name[DriftWatchSettings.EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)).ToList();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(keys.Select(static k => new KeyValuePair<string, string?>(k, "x")))
            .Build();

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(SettingsKeys.Validator.IsKnownSection(k.Split(':')[0]), $"{k}: no such settings section"));
        Assert.Empty(SettingsKeys.Validator.UnknownKeys(configuration));
    }

    [Fact]
    public void ApiAddress_ComposeImageAndGrafana_UseTheApisDefaultPort()
    {
        var port = new Uri(new DriftWatchApiOptions().Url).Port;
        var contactPoint = DeploymentFiles.Yaml("grafana", "provisioning", "alerting", "contact-points.yaml")
            .Child("contactPoints")!.AllNodes.OfType<YamlMappingNode>().Single(static n => n.Child("type").Text() == "webhook");
        var settings = contactPoint.Child("settings")!;
        var webhook = new Uri(settings.Child("url").Text()!);
        var dockerfile = File.ReadAllLines(DeploymentFiles.PathOf("docker", "Dockerfile"));

        Assert.Equal(port, new Uri(Setting("Api:Url")).Port);
        Assert.Contains($"{port}:{port}", ((YamlSequenceNode)Service("driftwatch").Child("ports")!).Children.Select(static p => p.Text()));
        Assert.Contains($"EXPOSE {port}", dockerfile);
        Assert.Contains($"ENV DRIFTWATCH_Api__Url=http://0.0.0.0:{port}", dockerfile);
        Assert.Equal("driftwatch", webhook.Host);
        Assert.True(Services.Children.ContainsKey(new YamlScalarNode(webhook.Host)), "the contact point names a compose service");
        Assert.Equal(port, webhook.Port);
        Assert.Equal("/webhooks/grafana", webhook.AbsolutePath);
    }

    [Fact]
    public void GrafanaSigning_SecretAndHeaders_MatchTheApiSettings()
    {
        var hmac = DeploymentFiles.Yaml("grafana", "provisioning", "alerting", "contact-points.yaml")
            .Child("contactPoints")!.AllNodes.OfType<YamlMappingNode>().Single(static n => n.Child("hmacConfig") is not null).Child("hmacConfig")!;
        var secretVariable = hmac.Child("secret").Text()!.TrimStart('$').Trim('{', '}');
        var grafanaSecret = DeploymentFiles.Environment(Service("grafana")).Single(e => e.Name == secretVariable).Value;

        Assert.Equal(Setting("Api:GrafanaHmacSecret"), grafanaSecret);
        Assert.Equal(Setting("Api:GrafanaTimestampHeader"), hmac.Child("timestampHeader").Text());
        Assert.Equal(new DriftWatchApiOptions().GrafanaSignatureHeader, hmac.Child("header").Text());
        Assert.False(string.IsNullOrWhiteSpace(Setting("Api:BearerToken")));
        Assert.False(string.IsNullOrWhiteSpace(Setting("Api:Rollback:AllowedAgents:0")));
    }

    [Fact]
    public void Services_EveryLongRunningService_HasAHealthCheck()
    {
        var oneShot = Services.Children.Values.SelectMany(static s => s.Child("depends_on") is YamlMappingNode d ? d.Children : Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
            .Where(static d => d.Value.Child("condition").Text() == "service_completed_successfully")
            .Select(static d => d.Key.Text())
            .ToHashSet();

        foreach (var (name, service) in Services.Children)
        {
            if (!oneShot.Contains(name.Text()))
            {
                Assert.True(service.Child("healthcheck") is YamlMappingNode, $"service {name} has no healthcheck");
            }
        }

        Assert.Contains("kafka-init", oneShot);
    }

    [Fact]
    public void Topics_InitService_CreatesEveryTopicDriftWatchUses()
    {
        var script = string.Join('\n', ((YamlSequenceNode)Service("kafka-init").Child("command")!).Children.Select(static c => c.Text()));
        var rollback = new RollbackOptions();
        var pipeline = new PipelineOptions();

        var words = script.Split([' ', '\n', ';', '"'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var topic in new KafkaConsumerOptions().Topics.Concat([pipeline.DeadLetterTopic, pipeline.AlertsTopic, rollback.ControlTopic, rollback.AuditTopic!]))
        {
            Assert.Contains(topic, words);
        }

        Assert.Contains("--if-not-exists", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Volumes_KafkaAndDriftWatch_HoldWhereEachWrites()
    {
        var kafka = Service("kafka");
        var logDirs = DeploymentFiles.Environment(kafka).Single(static e => e.Name == "KAFKA_LOG_DIRS").Value;
        var dockerfile = File.ReadAllLines(DeploymentFiles.PathOf("docker", "Dockerfile"));
        var workdir = dockerfile.Last(static l => l.StartsWith("WORKDIR ", StringComparison.Ordinal))["WORKDIR ".Length..];

        Assert.Contains($"kafka-data:{logDirs}", Mounts(kafka));
        Assert.Contains($"driftwatch-data:{workdir}", Mounts(Service("driftwatch")));
        Assert.StartsWith(workdir + "/", Setting("Api:Rollback:AuditFilePath"), StringComparison.Ordinal);
        Assert.StartsWith(workdir + "/", Setting("Snapshots:Directory"), StringComparison.Ordinal);

        // The runtime stage makes its working directory the non-root user's before switching to it.
        var runtime = dockerfile.SkipWhile(static l => !l.Contains("AS runtime", StringComparison.Ordinal)).ToList();
        var chown = runtime.FindIndex(l => l.StartsWith("RUN ", StringComparison.Ordinal) && l.Contains("chown \"$APP_UID\" " + workdir, StringComparison.Ordinal));
        var user = runtime.FindIndex(static l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.InRange(chown, 0, user - 1);
    }

    private static IEnumerable<string?> Mounts(YamlNode service) =>
        ((YamlSequenceNode)service.Child("volumes")!).Children.Select(static v => v.Text());
}
