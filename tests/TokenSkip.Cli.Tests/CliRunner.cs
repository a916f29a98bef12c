namespace TokenSkip.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await TokenSkipCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
