namespace DriftWatch.Cli.Tests.Commands;

public sealed class HelpTests
{
    [Theory]
    [InlineData("demo")]
    [InlineData("run")]
    [InlineData("dev")]
    [InlineData("simulate")]
    [InlineData("replay")]
    [InlineData("audit")]
    [InlineData("snapshot")]
    [InlineData("compare")]
    public void Build_EveryCommand_HasDescriptionAndDocumentedOptions(string name)
    {
        var command = CliApplication.Build().Subcommands.Single(c => c.Name == name);
        Assert.False(string.IsNullOrWhiteSpace(command.Description));
        Assert.All(command.Options, option => Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{name} {option.Name} has no description"));
    }

    [Fact]
    public async Task RunAsync_UnknownDriftKind_ExitsNonZeroNamingTheProblem()
    {
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.NotEqual(0, await CliApplication.RunAsync(["simulate", "--output", "-", "--drift", "teleport"]));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("teleport", error.ToString(), StringComparison.Ordinal);
    }
}
