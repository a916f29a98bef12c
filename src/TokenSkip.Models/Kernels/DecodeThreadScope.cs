using static TorchSharp.torch;

namespace TokenSkip.Models.Kernels;

/// <summary>
/// Gives the CPU threads to the kernels for one decode step: libtorch runs single-threaded inside the scope, and
/// <see cref="KernelThreads"/> (what <see cref="MatrixVectorLinear"/> sizes its pool by) keeps the count libtorch had.
/// </summary>
/// <remarks>
/// A decode step is a few hundred tiny libtorch ops between matrix-vector products. Those ops gain nothing from
/// threads, but the few that open an OpenMP parallel region leave libtorch's OpenMP workers spinning afterwards, on the
/// cores the kernel's workers need: measured on 2 cores, a bfloat16 Qwen2.5-0.5B step took ~35 ms that way against
/// ~26 ms with libtorch single-threaded. libtorch's thread count is process-wide: while a scope is open, libtorch ops on
/// other threads run single-threaded too (a second model prefilling on another thread would slow down). The count is
/// restored on dispose; scopes on one thread nest.
/// </remarks>
public readonly struct DecodeThreadScope : IDisposable
{
    [ThreadStatic]
    private static int _kernelThreads;

    private readonly int _restore;

    private DecodeThreadScope(int restore) => _restore = restore;

    /// <summary>Threads the kernels use on this thread: libtorch's count, or inside a scope the count it had before.</summary>
    public static int KernelThreads => _kernelThreads > 0 ? _kernelThreads : Math.Max(1, get_num_threads());

    /// <summary>Makes libtorch single-threaded until the scope is disposed (nothing happens inside another scope).</summary>
    public static DecodeThreadScope Enter()
    {
        if (_kernelThreads > 0)
        {
            return default;
        }

        var threads = get_num_threads();
        if (threads <= 1)
        {
            return default;
        }

        _kernelThreads = threads;
        set_num_threads(1);
        return new DecodeThreadScope(threads);
    }

    /// <summary>Restores libtorch's thread count.</summary>
    public void Dispose()
    {
        if (_restore > 0)
        {
            set_num_threads(_restore);
            _kernelThreads = 0;
        }
    }
}
