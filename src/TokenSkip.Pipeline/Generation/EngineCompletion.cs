using TokenSkip.Core.Generation;

namespace TokenSkip.Pipeline.Generation;

/// <summary>What an engine generated for one prompt.</summary>
/// <param name="Text">The generated text, without the stop token or string.</param>
/// <param name="FinishReason">Stop token or string, or the token limit.</param>
/// <param name="Usage">Prompt tokens, and tokens generated (the stop token included when one ended generation).</param>
internal sealed record EngineCompletion(string Text, FinishReason FinishReason, GenerationUsage Usage);
