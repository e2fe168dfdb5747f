using System.Diagnostics;
using System.Text;

namespace DriftWatch.IntegrationTests.Infrastructure;

/// <summary>
/// Runs kcat, a Kafka client independent of DriftWatch's, as a child process: what it produces and reads
/// proves the wire format is plain Kafka rather than something only our client understands.
/// </summary>
internal static class Kcat
{
    internal const string MissingMessage = "kcat is not installed (/usr/bin/kcat); install it with `apt-get install kcat` to run the kcat interop tests.";

    /// <summary>The kcat executable, or null when it is not installed.</summary>
    internal static string? Path { get; } = Find();

    /// <summary>Runs kcat and returns its standard output; throws with its stderr on failure or timeout.</summary>
    internal static async Task<string> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(Path ?? throw new InvalidOperationException(MissingMessage))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"kcat {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:F0} s. stderr: {await stderr}");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"kcat {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}. stderr: {await stderr}");
        }

        return output;
    }

    private static string? Find()
    {
        const string debian = "/usr/bin/kcat";
        if (File.Exists(debian))
        {
            return debian;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => System.IO.Path.Combine(directory, "kcat"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that is skipped, naming kcat and how to install it, where kcat is absent.</summary>
internal sealed class KcatFactAttribute : FactAttribute
{
    public KcatFactAttribute()
    {
        if (Kcat.Path is null)
        {
            Skip = Kcat.MissingMessage;
        }
    }
}
