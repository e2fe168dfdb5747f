using Spectre.Console;

namespace DriftWatch.Cli.Hosting;

internal static class Terminal
{
    /// <summary>
    /// Tables written to a pipe or a log would wrap at Spectre's 80-column default; ids and feature names
    /// need more, so non-interactive output gets a wide page.
    /// </summary>
    internal static void WidenWhenRedirected()
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            AnsiConsole.Profile.Width = 200;
        }
    }
}
