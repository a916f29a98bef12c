namespace TokenSkip.Pipeline;

/// <summary>
/// TokenSkip's offline stages (trajectories, filtering, compression, training data, training, evaluation) as
/// resumable jobs with progress. No console or UI code lives here: the CLI and the SK plugins drive these jobs.
/// </summary>
public static class PipelineAssembly
{
    /// <summary>The pipeline's version string, recorded in provenance.</summary>
    public static string Version { get; } = typeof(PipelineAssembly).Assembly.GetName().Version?.ToString() ?? "0.0.0";
}
