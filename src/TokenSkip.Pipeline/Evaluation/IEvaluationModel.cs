using TokenSkip.Core.Prompts;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>The model an evaluation talks to: greedy completions of rendered prompts, and its tokenizer's counts.</summary>
public interface IEvaluationModel
{
    /// <summary>The family whose TokenSkip prompt format the model expects.</summary>
    ModelFamily Family { get; }

    /// <summary>Tokens in <paramref name="text"/> with the model's tokenizer (nothing added).</summary>
    int CountTokens(string text);

    /// <summary>
    /// Greedy completions of <paramref name="prompts"/> (one batch), each ending at the family's end-of-turn token
    /// or after <paramref name="maxNewTokens"/> tokens; results in prompt order.
    /// </summary>
    IReadOnlyList<ModelCompletion> Complete(IReadOnlyList<string> prompts, int maxNewTokens, CancellationToken cancellationToken);
}
