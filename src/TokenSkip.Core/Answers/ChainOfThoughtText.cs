using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Answers;

/// <summary>The chain-of-thought part of a TokenSkip model's output, whose tokens TokenSkip counts.</summary>
public static class ChainOfThoughtText
{
    /// <summary>"\n\nThe final answer is:", the lead TokenSkip's outputs put before the boxed answer.</summary>
    public static string AnswerLead { get; } = TokenSkipPromptBuilder.FinalAnswerLead.TrimEnd();

    /// <summary>
    /// The text before the first <see cref="AnswerLead"/>; the whole output when the model did not write the lead
    /// (as in TokenSkip's evaluation, so an answer boxed without the lead counts as part of the CoT).
    /// </summary>
    public static string From(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lead = output.IndexOf(AnswerLead, StringComparison.Ordinal);
        return lead < 0 ? output : output[..lead];
    }
}
