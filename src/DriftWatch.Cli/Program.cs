using DriftWatch.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
