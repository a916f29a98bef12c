namespace TokenSkip.TestSupport;

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (unlike <see cref="Progress{T}"/>).</summary>
public sealed class SynchronousProgress<T>(Action<T> onReport) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => onReport(value);
}
