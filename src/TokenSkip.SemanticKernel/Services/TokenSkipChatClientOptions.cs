using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Turns;

namespace TokenSkip.SemanticKernel;

/// <summary>Defaults of a <see cref="TokenSkipChatClient"/>; each call may override them through <c>ChatOptions</c>.</summary>
public sealed class TokenSkipChatClientOptions
{
    /// <summary>
    /// γ for calls that set neither <c>compression_ratio</c> nor <c>token_budget</c>. Null (the default) uses the model
    /// card's <c>default_ratio</c> (1.0 when it has none); setting it also gives a model without a card TokenSkip's prompt.
    /// </summary>
    public CompressionRatio? DefaultCompressionRatio { get; set; }

    /// <summary>The output cap for calls that set no <c>MaxOutputTokens</c>. Default 512 (TokenSkip evaluates GSM8K with 512).</summary>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>
    /// The model's card (<c>tokenskip.json</c>) when the engine does not report one (<c>EngineInfo.Card</c>); it makes the
    /// model TokenSkip-trained and calibrates the planner.
    /// </summary>
    public ModelCard? ModelCard { get; set; }

    /// <summary>Where instructions go in TokenSkip's prompt; null uses the card's choice (after the system prompt by default).</summary>
    public InstructionPlacement? InstructionPlacement { get; set; }

    /// <summary>
    /// The planner for calls that give only a budget; null shares the one planner of the engine's model with every other
    /// client over the same engine (the server's included when the engine is its worker).
    /// </summary>
    public BudgetPlanner? Planner { get; set; }

    /// <summary>When true (the default) every call that finishes on its own teaches the planner its CoT length.</summary>
    public bool ObserveCompletions { get; set; } = true;

    /// <summary>A copy of these options.</summary>
    public TokenSkipChatClientOptions Clone() => (TokenSkipChatClientOptions)MemberwiseClone();
}
