using System.Diagnostics;

namespace DriftWatch.Core.Tests.Snapshots;

/// <summary>A test that needs headless Chromium; skipped with instructions when the binary is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(HeadlessChromium.Binary))
        {
            Skip = $"{HeadlessChromium.Binary} not found: install Chromium (apt-get install chromium) to run the HTML report checks.";
        }
    }
}

/// <summary>Runs /usr/bin/chromium headless, offline, with a fresh profile per run.</summary>
internal static class HeadlessChromium
{
    public const string Binary = "/usr/bin/chromium";

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> extraArguments, string url, TimeSpan timeout)
    {
        var profile = Directory.CreateTempSubdirectory("driftwatch-chromium-");
        try
        {
            var start = new ProcessStartInfo(Binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run", "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                $"--user-data-dir={profile.FullName}",
            }.Concat(extraArguments).Append(url))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Binary} did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{Binary} did not finish within {timeout}.");
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium helpers may still hold files for a moment; a leftover temp profile is harmless.
            }
        }
    }

    /// <summary>Console messages and uncaught errors the page produced, from Chromium's stderr log.</summary>
    public static List<string> ConsoleProblems(string stderr) =>
        stderr.Split('\n')
            .Where(static line => line.Contains("CONSOLE(", StringComparison.Ordinal) || line.Contains("Uncaught", StringComparison.Ordinal))
            .ToList();
}
