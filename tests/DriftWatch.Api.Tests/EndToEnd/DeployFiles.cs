using YamlDotNet.RepresentationModel;

namespace DriftWatch.Api.Tests.EndToEnd;

/// <summary>
/// The shipped Prometheus rules and Alertmanager example (deploy/), prepared for a test run: the rules as
/// they are, the Alertmanager file with only its webhook address, token file and waits replaced.
/// </summary>
internal static class DeployFiles
{
    public static string Root { get; } = FindRoot();

    public static string RulesPath => Path.Combine(Root, "deploy", "prometheus", "rules.yml");

    public static string RulesTestPath => Path.Combine(Root, "deploy", "prometheus", "rules.test.yml");

    public static string AlertmanagerPath => Path.Combine(Root, "deploy", "alertmanager", "alertmanager.yml");

    /// <summary>Writes the Alertmanager example into <paramref name="directory"/>, pointed at a test API.</summary>
    public static async Task<string> WriteAlertmanagerConfigAsync(string directory, Uri webhook, string token)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(AlertmanagerPath))
        {
            stream.Load(reader);
        }

        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var tokenFile = Path.Combine(directory, "driftwatch-api-token");
        await File.WriteAllTextAsync(tokenFile, token);
        var webhooks = root.AllNodes.OfType<YamlMappingNode>().Where(static n => n.Children.ContainsKey(new YamlScalarNode("url"))).ToList();
        var config = Assert.Single(webhooks);
        var path = new Uri(((YamlScalarNode)config.Children[new YamlScalarNode("url")]).Value!).AbsolutePath;
        config.Children[new YamlScalarNode("url")] = new YamlScalarNode(new Uri(webhook, path).ToString());
        var authorization = (YamlMappingNode)((YamlMappingNode)config.Children[new YamlScalarNode("http_config")]).Children[new YamlScalarNode("authorization")];
        authorization.Children[new YamlScalarNode("credentials_file")] = new YamlScalarNode(tokenFile);

        // Production waits (30 s, 5 min) would make the test wait as long.
        foreach (var route in root.AllNodes.OfType<YamlMappingNode>().Where(static n => n.Children.ContainsKey(new YamlScalarNode("receiver"))))
        {
            route.Children[new YamlScalarNode("group_wait")] = new YamlScalarNode("1s");
            route.Children[new YamlScalarNode("group_interval")] = new YamlScalarNode("1s");
        }

        var file = Path.Combine(directory, "alertmanager.yml");
        await using (var writer = new StreamWriter(file))
        {
            stream.Save(writer, assignAnchors: false);
        }

        return file;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "DriftWatch.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("DriftWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
