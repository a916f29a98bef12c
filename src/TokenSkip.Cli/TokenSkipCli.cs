using System.CommandLine;
using TokenSkip.Cli.Commands;
using TokenSkip.Cli.Infrastructure;

namespace TokenSkip.Cli;

/// <summary>The <c>tokenskip</c> command line: builds the command tree and runs it against the given writers.</summary>
public static class TokenSkipCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var console = new CliConsole(output, error);
        var root = new RootCommand("TokenSkip.Agents: run and build reasoning models that think in fewer tokens.")
        {
            GlobalOptions.Verbose,
        };
        root.Subcommands.Add(GenerateCommand.Create(console));
        root.Subcommands.Add(TokenizeCommand.Create(console));
        root.Subcommands.Add(RenderCommand.Create(console));
        root.Subcommands.Add(DemoCommand.Create(console));
        root.Subcommands.Add(DataCommand.Create(console));
        root.Subcommands.Add(TrainCommand.Create(console));
        root.Subcommands.Add(AdapterCommand.Create(console));
        root.Subcommands.Add(ExportCommand.Create(console));
        root.Subcommands.Add(CompressCommand.Create(console));
        root.Subcommands.Add(EvalCommand.Create(console));
        root.Subcommands.Add(BuildDefaultModelCommand.Create(console));
        root.Subcommands.Add(ServeCommand.Create(console));

        var parse = root.Parse(args);

        // No forced exit after a signal (ProcessTerminationTimeout = null): commands end themselves, see TerminationSignals.
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        using var signals = new TerminationSignals(cancellationToken);
        try
        {
            return await parse.InvokeAsync(configuration, signals.Token);
        }
        catch (Exception e)
        {
            return console.Fail(e, parse.GetValue(GlobalOptions.Verbose));
        }
    }
}
