using System.Diagnostics;

namespace DriftWatch.Cli.Tests.Deployment;

/// <summary>
/// Builds docker/Dockerfile where a Docker engine answers. Without one the test is skipped with the reason,
/// also when DRIFTWATCH_REQUIRE_SERVERS is set: that variable is about the servers the install script
/// provides, and a Docker engine is not one of them.
/// </summary>
public sealed class DockerImageTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    [RequiresDockerFact]
    public async Task Dockerfile_Build_Succeeds()
    {
        var tag = "driftwatch-test:" + Guid.NewGuid().ToString("N")[..12];
        var (exit, output) = await Docker.RunAsync(BuildTimeout, "build", "-f", "docker/Dockerfile", "-t", tag, ".");
        try
        {
            Assert.True(exit == 0, $"docker build exited with {exit}:\n{output}");
            var (inspectExit, user) = await Docker.RunAsync(TimeSpan.FromMinutes(1), "image", "inspect", "--format", "{{.Config.User}}", tag);
            Assert.Equal(0, inspectExit);
            Assert.NotEqual(string.Empty, user.Trim());
            Assert.NotEqual("root", user.Trim());
        }
        finally
        {
            await Docker.RunAsync(TimeSpan.FromMinutes(1), "image", "rm", "-f", tag);
        }
    }
}

/// <summary>A fact skipped, with the reason, when no Docker engine answers <c>docker info</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresDockerFactAttribute : FactAttribute
{
    public RequiresDockerFactAttribute()
    {
        var reason = Docker.WhyUnavailable();
        if (reason is not null)
        {
            Skip = $"No Docker engine answers ({reason}); the Dockerfile is built where one does (docker info must succeed). DRIFTWATCH_REQUIRE_SERVERS does not apply to Docker.";
        }
    }
}

internal static class Docker
{
    public static string? WhyUnavailable()
    {
        try
        {
            var (exit, output) = RunAsync(TimeSpan.FromSeconds(15), "info", "--format", "{{.ServerVersion}}").GetAwaiter().GetResult();
            return exit == 0 ? null : $"docker info exited with {exit}: {output.Trim().Split('\n').LastOrDefault()}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"no docker command: {ex.Message}";
        }
    }

    public static async Task<(int Exit, string Output)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DeploymentFiles.RepoRoot,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
