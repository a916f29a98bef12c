using System.CommandLine;
using TokenSkip.Cli.Commands.Data;
using TokenSkip.Cli.Infrastructure;

namespace TokenSkip.Cli.Commands;

/// <summary><c>tokenskip data</c>: the training-data stages of the TokenSkip pipeline.</summary>
internal static class DataCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("data", "Build TokenSkip training data: synthesize problems, generate CoTs, compress them, build the dataset.");
        command.Subcommands.Add(DataSynthCommand.Create(console));
        command.Subcommands.Add(DataGenerateCommand.Create(console));
        command.Subcommands.Add(DataFilterCommand.Create(console));
        command.Subcommands.Add(DataCompressCommand.Create(console));
        command.Subcommands.Add(DataBuildCommand.Create(console));
        return command;
    }
}
