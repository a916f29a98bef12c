namespace TokenSkip.Core.Generation;

/// <summary>
/// The log-probability (nats) of the token at one position given the tokens before it, under the model's raw
/// distribution (log-softmax of its logits, before temperature, top-k/top-p and penalties, as vLLM reports by default),
/// with the most likely tokens at that position.
/// </summary>
/// <param name="TokenId">The token that was at (prompt) or chosen for (completion) the position.</param>
/// <param name="Logprob">Its log-probability.</param>
/// <param name="Top">The most likely tokens at the position, most likely first (as many as were asked for; possibly none).</param>
public sealed record TokenLogprob(int TokenId, double Logprob, IReadOnlyList<TokenAlternative> Top);
