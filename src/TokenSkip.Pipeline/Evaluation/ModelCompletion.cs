using TokenSkip.Core.Generation;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>What a model generated for one prompt.</summary>
/// <param name="Text">The generated text, without the stop token.</param>
/// <param name="GeneratedTokens">Tokens generated, the stop token included when one ended generation.</param>
/// <param name="FinishReason">Stop token, or the token limit.</param>
public sealed record ModelCompletion(string Text, int GeneratedTokens, FinishReason FinishReason);
