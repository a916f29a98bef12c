using TokenSkip.Models.Loading;

namespace TokenSkip.Hosting.Worker;

/// <summary>Loads the served model. The worker calls it once, on its model thread, before serving.</summary>
public interface IModelLoader
{
    /// <summary>Loads the model; <paramref name="cancellationToken"/> fires when the host stops during the load.</summary>
    ModelBundle Load(CancellationToken cancellationToken);
}
