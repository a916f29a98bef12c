namespace TokenSkip.Pipeline.Stages;

/// <summary>Progress of a long-running stage, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Done">Items finished so far (including those found done when resuming).</param>
/// <param name="Total">Items in all.</param>
/// <param name="Detail">A short note about the last item, or null.</param>
public sealed record StageProgress(string Stage, int Done, int Total, string? Detail = null);
