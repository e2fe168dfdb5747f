using System.Diagnostics;
using System.Text;

namespace DriftWatch.Otlp.Tests.Infrastructure;

/// <summary>Runs programs DriftWatch did not write (kcat, node) as child processes.</summary>
internal static class ExternalTools
{
    public const string KcatMissing = "kcat is not installed (/usr/bin/kcat); install it with `apt-get install kcat` (scripts/install-prerequisites.sh does) to run the OTLP-on-Kafka interop test.";
    public const string NodeMissing = "node/npm are not installed; install them with `apt-get install nodejs npm` (scripts/install-prerequisites.sh does) to run the OpenTelemetry JS exporter interop test.";

    public static string? Kcat { get; } = Find("kcat");

    public static string? Node { get; } = Find("node");

    public static string? Npm { get; } = Find("npm");

    public static string? Python { get; } = Find("python3");

    public const string PythonMissing = "python3 is not installed; install it with `apt-get install python3` to run the Python client tests.";

    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Runs a program to its end; returns stdout, throws with stderr on failure or timeout.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
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
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:F0} s. stderr: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}. stdout: {await stdout} stderr: {await stderr}");
        }

        return await stdout;
    }
}

/// <summary>A fact skipped, naming kcat and how to install it, where kcat is absent.</summary>
internal sealed class KcatFactAttribute : FactAttribute
{
    public KcatFactAttribute()
    {
        if (ExternalTools.Kcat is null)
        {
            Skip = ExternalTools.KcatMissing;
        }
    }
}

/// <summary>A fact skipped, naming node and npm and how to install them, where they are absent.</summary>
internal sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (ExternalTools.Node is null || ExternalTools.Npm is null)
        {
            Skip = ExternalTools.NodeMissing;
        }
    }
}

/// <summary>A fact skipped, naming python3 and how to install it, where it is absent.</summary>
internal sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (ExternalTools.Python is null)
        {
            Skip = ExternalTools.PythonMissing;
        }
    }
}
