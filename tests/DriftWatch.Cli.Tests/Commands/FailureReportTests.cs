using DriftWatch.Cli;
using Xunit;

namespace DriftWatch.Cli.Tests.Commands;

public sealed class FailureReportTests
{
    [Fact]
    public async Task ReportAsync_RuntimeFailure_OneErrorLineWithCauseAndExitOne()
    {
        var error = new StringWriter();
        var failure = new IOException("the results could not be written", new TimeoutException("influxdb did not answer within 10 s"));

        var code = await CliApplication.ReportAsync(failure, error);

        Assert.Equal(1, code);
        var line = Assert.Single(error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("error: the results could not be written <- influxdb did not answer within 10 s (IOException)", line);
    }

    [Fact]
    public async Task ReportAsync_UsageFailure_MessageOnlyAndExitTwo()
    {
        var error = new StringWriter();

        var code = await CliApplication.ReportAsync(new FileNotFoundException("events.jsonl does not exist"), error);

        Assert.Equal(2, code);
        Assert.Equal("error: events.jsonl does not exist" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task RunAsync_OutputUnderAFile_ReportsErrorLineInsteadOfCrashing()
    {
        var directory = Directory.CreateTempSubdirectory("driftwatch-failure-");
        var events = Path.Combine(directory.FullName, "events.jsonl");
        var blocker = Path.Combine(directory.FullName, "blocker");
        await File.WriteAllTextAsync(events, string.Empty);
        await File.WriteAllTextAsync(blocker, "a file where the output's directory should be");
        var original = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var code = await CliApplication.RunAsync(["replay", "--input", events, "--alerts-out", Path.Combine(blocker, "alerts.jsonl")]);

            Assert.Equal(1, code);
            Assert.StartsWith("error: ", error.ToString(), StringComparison.Ordinal);
            Assert.Contains("(DirectoryNotFoundException)", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Console.SetError(original);
            directory.Delete(recursive: true);
        }
    }
}
