using System.CommandLine;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    /// <summary><c>--verbose</c>: print stack traces with errors.</summary>
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Print full exception details (stack traces) on errors.",
        Recursive = true,
    };
}
