namespace TokenSkip.Core.Prompts;

/// <summary>
/// Builds TokenSkip's prompts byte for byte as its reference code does: the inference prompts for Qwen2.5
/// and Llama 3.1 (instruction line, question, <c>&lt;|eot_id|&gt;γ&lt;|eot_id|&gt;</c> unless γ = 1.0) and
/// the Alpaca training record. γ is written by <see cref="CompressionRatio.ToString"/> (invariant culture).
/// </summary>
public static class TokenSkipPromptBuilder
{
    /// <summary>The instruction line that opens the user turn.</summary>
    public const string Instruction = "Please reason step by step, and put your final answer within \\boxed{}.";

    /// <summary>The system prompt of TokenSkip's Qwen2.5 prompts (not Qwen's own default).</summary>
    public const string QwenSystemPrompt = "You are a helpful assistant.";

    /// <summary>
    /// Brackets γ in the prompt. For Qwen it is plain text (several ordinary tokens); for Llama 3 it is the
    /// special end-of-turn token, exactly as TokenSkip trained.
    /// </summary>
    public const string RatioDelimiter = "<|eot_id|>";

    /// <summary>What precedes the boxed answer at the end of a training output.</summary>
    public const string FinalAnswerLead = "\n\nThe final answer is: ";

    /// <summary>The text that carries γ: <c>&lt;|eot_id|&gt;0.6&lt;|eot_id|&gt;</c>, or empty for γ = 1.0.</summary>
    public static string RatioSuffix(CompressionRatio ratio) =>
        ratio.IsUncompressed ? string.Empty : RatioDelimiter + ratio.ToString() + RatioDelimiter;

    /// <summary>The inference prompt for one question, ending with the assistant turn's opening.</summary>
    public static string BuildPrompt(ModelFamily family, string question, CompressionRatio ratio)
    {
        ArgumentNullException.ThrowIfNull(question);
        return BuildPrompt(family, [new PromptMessage(PromptMessage.UserRole, question)], ratio);
    }

    /// <summary>
    /// The inference prompt for a conversation: the last user message receives the instruction line and γ;
    /// the other turns are rendered by the family's template unchanged. For Qwen2.5 a conversation without
    /// a leading system message gets TokenSkip's system prompt. A single user message gives exactly the
    /// prompt of <see cref="BuildPrompt(ModelFamily, string, CompressionRatio)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The conversation has no user message.</exception>
    public static string BuildPrompt(ModelFamily family, IReadOnlyList<PromptMessage> messages, CompressionRatio ratio) =>
        BuildPrompt(family, messages, ratio, tools: null);

    /// <summary>
    /// The inference prompt for a conversation with <paramref name="tools"/> offered: as
    /// <see cref="BuildPrompt(ModelFamily, IReadOnlyList{PromptMessage}, CompressionRatio)"/>, with the tool section in the
    /// system turn, as each family's template writes it there. Qwen2.5: TokenSkip's system prompt (or the conversation's)
    /// followed by the <c># Tools</c> section. Llama 3.1: Meta's system turn ("Environment: ipython", the knowledge and
    /// today dates, the tools as indented JSON, then the conversation's system message, if any), the turns untrimmed.
    /// Tool calls and tool results in the conversation are rendered natively. Without tools and tool calls the prompt
    /// is exactly the one without this argument.
    /// </summary>
    /// <exception cref="ArgumentException">The conversation has no user message, or its tools or calls cannot be rendered.</exception>
    public static string BuildPrompt(ModelFamily family, IReadOnlyList<PromptMessage> messages, CompressionRatio ratio,
        IReadOnlyList<ToolDefinition>? tools)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var lastUser = -1;
        for (var i = messages.Count - 1; i >= 0 && lastUser < 0; i--)
        {
            if (messages[i].Role == PromptMessage.UserRole)
            {
                lastUser = i;
            }
        }

        if (lastUser < 0)
        {
            throw new ArgumentException("the conversation has no user message to carry the TokenSkip instruction.", nameof(messages));
        }

        var turns = new List<PromptMessage>(messages.Count + 1);
        if (family == ModelFamily.Qwen2 && messages[0].Role != PromptMessage.SystemRole)
        {
            turns.Add(new PromptMessage(PromptMessage.SystemRole, QwenSystemPrompt));
        }

        for (var i = 0; i < messages.Count; i++)
        {
            turns.Add(i == lastUser ? messages[i] with { Content = UserTurn(family, messages[i].Content, ratio) } : messages[i]);
        }

        var template = ChatTemplates.For(family);
        return template is Llama3ChatTemplate llama && (tools is { Count: > 0 } || turns.Any(t => t.HasToolCalls))
            ? llama.RenderWithTools(turns, addGenerationPrompt: true, tools, toolsInUserMessage: false, trim: false)
            : template.Render(turns, addGenerationPrompt: true, tools);
    }

    /// <summary>
    /// The Alpaca training record: input is the question plus <see cref="RatioSuffix"/>, output is
    /// <c>{chainOfThought}\n\nThe final answer is: $\boxed{answer}$</c>.
    /// </summary>
    public static TokenSkipTrainingRecord BuildTrainingRecord(string question, string chainOfThought, string answer, CompressionRatio ratio)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(chainOfThought);
        ArgumentNullException.ThrowIfNull(answer);
        return new TokenSkipTrainingRecord(
            Instruction,
            question + RatioSuffix(ratio),
            chainOfThought + FinalAnswerLead + "$\\boxed{" + answer + "}$");
    }

    /// <summary>
    /// The user turn TokenSkip's prompt carries: the instruction line, the question and γ (Llama 3.1's prompt has a
    /// newline between the question and γ; Qwen2.5's has none).
    /// </summary>
    public static string UserTurn(ModelFamily family, string question, CompressionRatio ratio) => family switch
    {
        ModelFamily.Qwen2 => Instruction + "\n" + question + RatioSuffix(ratio),
        ModelFamily.Llama3 => Instruction + "\n" + question + "\n" + RatioSuffix(ratio),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown model family"),
    };
}
