namespace TokenSkip.Plugins;

/// <summary>Where a pipeline job is in its life.</summary>
public enum PipelineJobState
{
    /// <summary>Started and not finished.</summary>
    Running,

    /// <summary>Finished with a result.</summary>
    Succeeded,

    /// <summary>Finished with an error.</summary>
    Failed,

    /// <summary>Stopped on request.</summary>
    Cancelled,
}
