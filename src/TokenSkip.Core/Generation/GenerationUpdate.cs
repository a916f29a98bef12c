namespace TokenSkip.Core.Generation;

/// <summary>
/// One streamed step of a generation: a token and the text it completed. The last update of a request has
/// <see cref="FinishReason"/> and <see cref="Usage"/> set.
/// </summary>
/// <param name="RequestIndex">Which request of the batch this update belongs to.</param>
/// <param name="TokenId">The token generated at this step, or null on a final update that carries no token.</param>
/// <param name="TextDelta">Newly completed text (may be empty while a multi-byte character is incomplete).</param>
/// <param name="FinishReason">Set on the final update.</param>
/// <param name="Usage">Set on the final update.</param>
public sealed record GenerationUpdate(
    int RequestIndex,
    int? TokenId,
    string TextDelta,
    FinishReason? FinishReason = null,
    GenerationUsage? Usage = null)
{
    /// <summary>The generated token's log-probability, when <see cref="GenerationOptions.Logprobs"/> asked for it.</summary>
    public TokenLogprob? Logprob { get; init; }

    /// <summary>
    /// On a request's first update, when <see cref="GenerationOptions.PromptLogprobs"/> asked for them: one entry per
    /// prompt token, null for the first (nothing predicts it).
    /// </summary>
    public IReadOnlyList<TokenLogprob?>? PromptLogprobs { get; init; }

    /// <summary>True on the last update of a request.</summary>
    public bool IsFinal => FinishReason is not null;
}
