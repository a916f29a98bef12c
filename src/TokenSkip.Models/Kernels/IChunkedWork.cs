namespace TokenSkip.Models.Kernels;

/// <summary>Work split into numbered, independent chunks that any thread may run, each exactly once.</summary>
public interface IChunkedWork
{
    /// <summary>Runs chunk <paramref name="chunk"/>.</summary>
    void RunChunk(int chunk);
}
