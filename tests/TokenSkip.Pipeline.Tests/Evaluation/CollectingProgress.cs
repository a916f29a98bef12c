namespace TokenSkip.Pipeline.Tests.Evaluation;

/// <summary>Records progress reports synchronously, in order.</summary>
internal sealed class CollectingProgress<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value) => Reports.Add(value);
}
