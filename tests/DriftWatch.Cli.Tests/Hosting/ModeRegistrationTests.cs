using System.CommandLine;
using DriftWatch.Cli.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DriftWatch.Cli.Tests.Hosting;

/// <summary>
/// run, demo and replay are one registration (AddDriftWatch) with overrides: a setting run refuses is refused by
/// every mode, with the same message, before any event is read.
/// </summary>
public sealed class ModeRegistrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("driftwatch-modes-").FullName;

    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    [InlineData("replay")]
    public async Task Invoke_InvalidPipelineSetting_EveryModeRefusesItNamingTheSetting(string mode)
    {
        var config = await WriteConfigAsync("""{ "Kafka": { "BootstrapServers": "127.0.0.1:1" }, "Pipeline": { "BatchSize": 0 } }""");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => InvokeAsync(Arguments(mode, config)));

        Assert.Contains("Pipeline:BatchSize", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    [InlineData("replay")]
    public async Task Invoke_UnknownKeyInKnownSection_EveryModeRefusesItNamingTheKey(string mode)
    {
        var config = await WriteConfigAsync("""{ "Kafka": { "BootstrapServers": "127.0.0.1:1" }, "Pipeline": { "BatchSise": 10 } }""");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InvokeAsync(Arguments(mode, config)));

        Assert.Contains("Pipeline:BatchSise", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileSource_NoKafkaSettings_ValidatesEverythingElse()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["State:Topic"] = " " }).Build();
        using var host = DriftWatchHost.Build(configuration, DriftWatchHost.FileSource);

        var components = (DriftWatchComponents)host.Services.GetService(typeof(DriftWatchComponents))!;
        var error = Assert.Throws<OptionsValidationException>(() => components.Settings);

        Assert.Contains("State:Topic", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Kafka:BootstrapServers", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Arguments(string mode, string config)
    {
        var events = Path.Combine(_directory, "events.jsonl");
        File.WriteAllText(events, string.Empty);
        return mode switch
        {
            "run" => ["run", "--config", config],
            "demo" => ["demo", "--config", config, "--brokers", "1", "--duration", "5", "--events", "100"],
            _ => ["replay", "--config", config, "--input", events, "--alerts-out", Path.Combine(_directory, "alerts.jsonl")],
        };
    }

    private async Task<string> WriteConfigAsync(string json)
    {
        var path = Path.Combine(_directory, "driftwatch.json");
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static Task<int> InvokeAsync(string[] args) =>
        CliApplication.Build().Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, CancellationToken.None);
}
