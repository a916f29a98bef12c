namespace TokenSkip.Core.Turns;

/// <summary>
/// Where a TokenSkip prompt puts the conversation's instructions (system messages, an agent's instructions). TokenSkip
/// trains with a fixed system prompt ("You are a helpful assistant." for Qwen2.5) and the question in the last user turn;
/// replacing that system prompt moves the model off what it learned. The model card says which placement hurts least
/// (<c>instructions</c> in <c>tokenskip.json</c>).
/// </summary>
public enum InstructionPlacement
{
    /// <summary>After TokenSkip's system prompt, in the same system turn (a blank line between). The default.</summary>
    AfterSystemPrompt,

    /// <summary>In the last user turn, after TokenSkip's instruction line and before the question.</summary>
    BeforeQuestion,

    /// <summary>Instead of TokenSkip's system prompt (what a plain chat template does with a system message).</summary>
    ReplaceSystemPrompt,

    /// <summary>Left out: for a model that was never trained to follow instructions, which only degrade its answer.</summary>
    Omit,
}
