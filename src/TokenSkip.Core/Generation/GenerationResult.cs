namespace TokenSkip.Core.Generation;

/// <summary>The outcome of one generation request.</summary>
/// <param name="PromptIds">The prompt's token ids.</param>
/// <param name="OutputIds">The generated ids only (the stop token included when one ended the generation).</param>
/// <param name="Text">The generated text without any stop token or stop string; null when no tokenizer is available.</param>
/// <param name="FinishReason">Why generation ended.</param>
/// <param name="Usage">Token counts.</param>
public sealed record GenerationResult(
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<int> OutputIds,
    string? Text,
    FinishReason FinishReason,
    GenerationUsage Usage);
