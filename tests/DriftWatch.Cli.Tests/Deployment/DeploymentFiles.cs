using YamlDotNet.RepresentationModel;

namespace DriftWatch.Cli.Tests.Deployment;

/// <summary>The repository's deployment files, parsed (YAML aliases resolved).</summary>
internal static class DeploymentFiles
{
    public static string RepoRoot { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    public static YamlMappingNode Yaml(params string[] parts)
    {
        using var reader = new StreamReader(PathOf(parts));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    public static YamlMappingNode Map(this YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    public static YamlNode? Child(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    /// <summary>A service's environment as name/value pairs, from either the mapping or the list form.</summary>
    public static IReadOnlyList<(string Name, string Value)> Environment(YamlNode service) => service.Child("environment") switch
    {
        YamlMappingNode map => map.Children.Select(static e => (e.Key.Text()!, e.Value.Text() ?? string.Empty)).ToList(),
        YamlSequenceNode list => list.Children.Select(static e => e.Text()!.Split('=', 2)).Select(static p => (p[0], p.Length > 1 ? p[1] : string.Empty)).ToList(),
        _ => [],
    };

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
