using System.Diagnostics;

namespace DriftWatch.Api.Tests.EndToEnd;

/// <summary>The shipped Prometheus rules and Alertmanager example pass the tools' own checks.</summary>
public sealed class DeployConfigTests
{
    private const string Promtool = "/usr/bin/promtool";
    private const string Amtool = "/usr/bin/amtool";

    [RequiresBinaryFact(Promtool)]
    public async Task Rules_PromtoolCheck_Succeeds()
    {
        var (exit, output) = await RunAsync(Promtool, "check", "rules", DeployFiles.RulesPath);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 3 rules found", output, StringComparison.Ordinal);
    }

    [RequiresBinaryFact(Promtool)]
    public async Task Rules_PromtoolUnitTests_FireOnlyOnTheVerdictSeries()
    {
        var (exit, output) = await RunAsync(Promtool, "test", "rules", DeployFiles.RulesTestPath);

        Assert.True(exit == 0, output);
    }

    [RequiresBinaryFact(Amtool)]
    public async Task AlertmanagerExample_AmtoolCheckConfig_Succeeds()
    {
        var (exit, output) = await RunAsync(Amtool, "check-config", DeployFiles.AlertmanagerPath);

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string binary, params string[] arguments)
    {
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
