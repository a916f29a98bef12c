namespace TokenSkip.Plugins;

/// <summary>One progress report of a running stage.</summary>
/// <param name="Done">Units of work done.</param>
/// <param name="Total">Units of work in all (0 when unknown).</param>
/// <param name="Message">A short line saying what is happening.</param>
public sealed record PipelineProgress(int Done, int Total, string Message);
