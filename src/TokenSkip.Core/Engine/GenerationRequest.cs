using TokenSkip.Core.Generation;

namespace TokenSkip.Core.Engine;

/// <summary>
/// One request to an <see cref="IGenerationEngine"/>: a fully rendered prompt (chat template and TokenSkip γ already
/// applied) as text or token ids, and how to decode.
/// </summary>
public sealed record GenerationRequest
{
    /// <summary>The rendered prompt text (encoded without added special tokens); set this or <see cref="PromptIds"/>.</summary>
    public string? PromptText { get; init; }

    /// <summary>The prompt as token ids; set this or <see cref="PromptText"/>.</summary>
    public IReadOnlyList<int>? PromptIds { get; init; }

    /// <summary>Decoding options.</summary>
    public GenerationOptions Options { get; init; } = new();

    /// <summary>
    /// False when <see cref="GenerationOptions.MaxNewTokens"/> is only a default nobody asked for: a remote engine then
    /// lets the server choose the length (it omits <c>max_tokens</c>, so it never asks for more than the served context
    /// holds). Local engines generate at most <c>MaxNewTokens</c> either way. Default true.
    /// </summary>
    public bool MaxNewTokensRequested { get; init; } = true;

    /// <summary>Checks that exactly one prompt form is given, and the options.</summary>
    /// <exception cref="InvalidRequestException">Both or neither prompt form is set (<c>prompt</c>), or an option is invalid.</exception>
    public GenerationRequest Validate()
    {
        if ((PromptText is null) == (PromptIds is null))
        {
            throw new InvalidRequestException("prompt", "a generation request needs exactly one of PromptText or PromptIds");
        }

        Options.Validate();
        return this;
    }
}
