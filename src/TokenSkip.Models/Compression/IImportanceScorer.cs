using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>
/// Scores the words of texts by how much they matter, for pruning with <see cref="WordPruner"/>. Implementations:
/// <see cref="LlmLingua2Scorer"/> (a token classifier's keep probability) and <see cref="SurprisalScorer"/>
/// (a causal LM's self-information).
/// </summary>
/// <remarks>
/// Scoring is synchronous and runs on the calling thread (TorchSharp scopes are per thread); callers that need
/// asynchrony wrap it in <c>Task.Run</c>. Pass many texts at once to let a scorer batch them; report progress by
/// calling it on slices. Implementations are not thread-safe.
/// </remarks>
public interface IImportanceScorer : IDisposable
{
    /// <summary>The scorer's name as recorded in provenance ("llmlingua2", "surprisal").</summary>
    string Name { get; }

    /// <summary>The model folder the scores come from (absolute), for provenance.</summary>
    string ModelPath { get; }

    /// <summary>
    /// The highest score this scorer gives, which forced words carry (1.0 for keep probabilities). Pass it to
    /// <see cref="WordPruner.SelectKept(IReadOnlyList{PruningWord}, TokenSkip.Core.CompressionRatio, PruningOptions, double)"/>.
    /// </summary>
    double Ceiling { get; }

    /// <summary>Scores every word of each text; force tokens and the keep-digits option are applied here.</summary>
    /// <exception cref="ArgumentException">The options ask for something this scorer's vocabulary cannot honour (the message names it).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled between batches.</exception>
    IReadOnlyList<ScoredText> Score(IReadOnlyList<string> texts, PruningOptions? options = null, CancellationToken cancellationToken = default);
}
