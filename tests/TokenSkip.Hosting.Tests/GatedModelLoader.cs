using TokenSkip.Hosting.Worker;
using TokenSkip.Models.Loading;

namespace TokenSkip.Hosting.Tests;

/// <summary>A loader that waits until the test opens it, so "the model is still loading" can be observed; or that fails.</summary>
internal sealed class GatedModelLoader(IModelLoader inner, Exception? failure = null) : IModelLoader
{
    private readonly ManualResetEventSlim _gate = new(false);

    public void Open() => _gate.Set();

    public ModelBundle Load(CancellationToken cancellationToken)
    {
        _gate.Wait(cancellationToken);
        return failure is null ? inner.Load(cancellationToken) : throw failure;
    }
}
