namespace TokenSkip.Hosting.Errors;

/// <summary>A prompt (or prompt plus requested completion) does not fit the served context (HTTP 400).</summary>
public sealed class ContextLengthExceededException : ArgumentException
{
    /// <summary>Creates the exception from the counts involved.</summary>
    public ContextLengthExceededException(int promptTokens, int requestedTokens, int contextTokens)
        : base(requestedTokens == 0
            ? $"the prompt has {promptTokens} tokens but the served context is {contextTokens} tokens (at least one must be left to generate)"
            : $"the prompt has {promptTokens} tokens and {requestedTokens} more were requested, but the served context is {contextTokens} tokens")
    {
        PromptTokens = promptTokens;
        ContextTokens = contextTokens;
    }

    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; }

    /// <summary>The served context length.</summary>
    public int ContextTokens { get; }
}
