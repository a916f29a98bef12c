using TorchSharp;

namespace TokenSkip.Models.Transformer;

/// <summary>
/// Scalars the hot paths pass explicitly, held for the life of the process. <c>a + b</c> makes a temporary
/// <see cref="Scalar"/> for the <c>alpha</c> of <c>add</c> that nothing references once its handle is read: the finalizer
/// can free it while libtorch still reads it, which shows up, rarely and under GC pressure, as "toFloat" errors
/// (seen once in a full test run with several model threads). A rooted scalar cannot be collected.
/// </summary>
internal static class Scalars
{
    /// <summary>1, the <c>alpha</c> of a plain sum.</summary>
    public static readonly Scalar One = 1.0f.ToScalar();
}
