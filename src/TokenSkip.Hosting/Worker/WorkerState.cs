namespace TokenSkip.Hosting.Worker;

/// <summary>Where the model worker is in its life.</summary>
public enum WorkerState
{
    /// <summary>The model is being loaded; requests get 503.</summary>
    Loading,

    /// <summary>The model is loaded and requests are served.</summary>
    Ready,

    /// <summary>Shutdown began: new requests get 503, accepted ones finish or are cancelled at the shutdown timeout.</summary>
    Stopping,

    /// <summary>The worker has stopped and released the model.</summary>
    Stopped,

    /// <summary>The model could not be loaded; see <see cref="ModelWorker.LoadError"/>.</summary>
    Failed,
}
