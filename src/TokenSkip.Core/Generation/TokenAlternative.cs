namespace TokenSkip.Core.Generation;

/// <summary>One of the most likely tokens at a position, with its log-probability in nats.</summary>
/// <param name="TokenId">The token.</param>
/// <param name="Logprob">Its log-probability under the model's raw distribution (before temperature and penalties).</param>
public sealed record TokenAlternative(int TokenId, double Logprob);
