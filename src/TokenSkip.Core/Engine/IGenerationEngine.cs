using TokenSkip.Core.Generation;

namespace TokenSkip.Core.Engine;

/// <summary>
/// The small engine abstraction everything above the model talks to (SK connector, server, plugins, pipeline): it
/// takes a rendered prompt and streams tokens. Implementations own their threads; callers may call concurrently.
/// </summary>
public interface IGenerationEngine
{
    /// <summary>The model behind the engine.</summary>
    EngineInfo Info { get; }

    /// <summary>
    /// Streams the generation of <paramref name="request"/>: one update per token, the last with
    /// <see cref="GenerationUpdate.FinishReason"/> and <see cref="GenerationUpdate.Usage"/>. Cancelling the token stops
    /// generation before the next token.
    /// </summary>
    IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Counts the tokens of <paramref name="text"/> in the model's tokenizer.</summary>
    int CountTokens(string text);
}
