using TokenSkip.Cli;

return await TokenSkipCli.RunAsync(args, Console.Out, Console.Error);
