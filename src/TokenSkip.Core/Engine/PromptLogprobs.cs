namespace TokenSkip.Core.Engine;

/// <summary>
/// A prompt's tokens and their log-probabilities in nats, in the shape of the OpenAI completions <c>logprobs</c> object.
/// </summary>
/// <param name="Tokens">The token texts, in order; concatenated they give the scored text.</param>
/// <param name="TokenLogprobs">
/// <c>log p(token | tokens before it)</c> per token; null where the model has no prediction (the first token without a
/// BOS token in front).
/// </param>
/// <param name="TextOffsets">The character offset of each token in the scored text.</param>
public sealed record PromptLogprobs(IReadOnlyList<string> Tokens, IReadOnlyList<double?> TokenLogprobs, IReadOnlyList<int> TextOffsets);
