namespace TokenSkip.Core.Engine;

/// <summary>
/// Scores a prompt without generating: the log-probability of each of its tokens given the tokens before it, as
/// OpenAI's legacy completions API returns it for <c>echo: true, logprobs: 1, max_tokens: 0</c> (vLLM, llama.cpp's
/// server and <c>tokenskip serve</c> do too). Remote surprisal scoring runs on it.
/// </summary>
public interface IPromptLogprobSource
{
    /// <summary>Returns the tokens of <paramref name="prompt"/> (as the server tokenized it) with their log-probabilities.</summary>
    /// <param name="prompt">The text to score, sent as it is (no chat template).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<PromptLogprobs> GetPromptLogprobsAsync(string prompt, CancellationToken cancellationToken = default);
}
