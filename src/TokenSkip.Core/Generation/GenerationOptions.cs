using TokenSkip.Core.Engine;

namespace TokenSkip.Core.Generation;

/// <summary>
/// How to decode: length limit, sampling knobs and stop conditions. Defaults decode greedily for up to 256 tokens,
/// which is what TokenSkip's evaluation uses. Instances are immutable; use <c>with</c> to derive variants.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>The most tokens to generate (not counting the prompt). Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>
    /// Temperatures below this decode greedily, as vLLM does: dividing logits by a number this small overflows to
    /// infinities, and the distribution it stands for is argmax anyway.
    /// </summary>
    public const double GreedyTemperature = 1e-5;

    /// <summary>Softmax temperature; 0 (or anything below <see cref="GreedyTemperature"/>) means greedy (argmax). Default 0.</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability mass reaches this value. 1 disables it.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Keep only the <c>TopK</c> most likely tokens; 0 disables it.</summary>
    public int TopK { get; init; }

    /// <summary>Penalty for tokens already present in the prompt or output (CTRL / Hugging Face semantics); 1 disables it.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Seed of the sampler; each request has its own random stream, so results do not depend on batching.</summary>
    public int? Seed { get; init; }

    /// <summary>Token ids that end generation (in addition to the model's end-of-sequence ids unless <see cref="IgnoreEndOfSequence"/>).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Texts that end generation; the matched text is not part of the returned text.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>When true the model's own end-of-sequence ids do not stop generation (only <see cref="StopTokenIds"/> do).</summary>
    public bool IgnoreEndOfSequence { get; init; }

    /// <summary>The most alternatives <see cref="Logprobs"/> and <see cref="PromptLogprobs"/> may ask for (vLLM's default cap).</summary>
    public const int MaxLogprobs = 20;

    /// <summary>
    /// When set, every generated token's update carries its <see cref="GenerationUpdate.Logprob"/> with this many most
    /// likely alternatives (0: the token's own log-probability only). Default null: none.
    /// </summary>
    public int? Logprobs { get; init; }

    /// <summary>
    /// When set, the first update carries <see cref="GenerationUpdate.PromptLogprobs"/>: every prompt token's
    /// log-probability given the tokens before it, with this many most likely alternatives (0: none). Default null: none.
    /// </summary>
    public int? PromptLogprobs { get; init; }

    /// <summary>True when decoding is greedy (temperature 0, or below <see cref="GreedyTemperature"/>).</summary>
    public bool IsGreedy => Temperature < GreedyTemperature;

    /// <summary>
    /// Checks every field and throws <see cref="InvalidRequestException"/> naming the first invalid one by its OpenAI
    /// request name (<c>max_tokens</c>, <c>temperature</c>, <c>top_p</c>, <c>top_k</c>, <c>repetition_penalty</c>, <c>logprobs</c>,
    /// <c>prompt_logprobs</c>, <c>stop</c>).
    /// </summary>
    /// <exception cref="InvalidRequestException">A field is out of range; <see cref="InvalidRequestException.Parameter"/> names it.</exception>
    public GenerationOptions Validate()
    {
        if (MaxNewTokens < 1)
        {
            throw new InvalidRequestException("max_tokens", $"max_tokens must be at least 1; got {MaxNewTokens}.");
        }

        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new InvalidRequestException("temperature", $"temperature must be a finite number >= 0; got {Temperature}.");
        }

        if (!double.IsFinite(TopP) || TopP <= 0 || TopP > 1)
        {
            throw new InvalidRequestException("top_p", $"top_p must be in (0, 1]; got {TopP}.");
        }

        if (TopK < 0)
        {
            throw new InvalidRequestException("top_k", $"top_k must be >= 0; got {TopK}.");
        }

        if (!double.IsFinite(RepetitionPenalty) || RepetitionPenalty <= 0)
        {
            throw new InvalidRequestException("repetition_penalty", $"repetition_penalty must be > 0; got {RepetitionPenalty}.");
        }

        if (Logprobs is < 0 or > MaxLogprobs)
        {
            throw new InvalidRequestException("logprobs", $"logprobs must be between 0 and {MaxLogprobs}; got {Logprobs}.");
        }

        if (PromptLogprobs is < 0 or > MaxLogprobs)
        {
            throw new InvalidRequestException("prompt_logprobs", $"prompt_logprobs must be between 0 and {MaxLogprobs}; got {PromptLogprobs}.");
        }

        if (StopStrings.Any(string.IsNullOrEmpty))
        {
            throw new InvalidRequestException("stop", "stop strings must not be empty.");
        }

        return this;
    }
}
