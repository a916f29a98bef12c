using TokenSkip.Core.Text;

namespace TokenSkip.Models.Training;

/// <summary>
/// One supervised example as token ids: the prompt (context only, never a loss target) and the completion (every
/// token a target). An empty prompt trains on the whole sequence but its first token, as in pretraining.
/// </summary>
/// <param name="PromptIds">The prompt's ids.</param>
/// <param name="CompletionIds">The completion's ids, ending with the end-of-turn token for chat models.</param>
public sealed record TrainingExample(int[] PromptIds, int[] CompletionIds)
{
    /// <summary>Prompt plus completion length.</summary>
    public int Length => PromptIds.Length + CompletionIds.Length;

    /// <summary>Tokenizes <paramref name="sample"/>: prompt and completion separately, so the prompt's ids are exactly those generation sees.</summary>
    public static TrainingExample Encode(SftSample sample, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new TrainingExample([.. tokenizer.Encode(sample.Prompt)], [.. tokenizer.Encode(sample.Completion)]);
    }
}
