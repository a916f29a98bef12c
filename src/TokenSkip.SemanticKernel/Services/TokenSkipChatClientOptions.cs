using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;

namespace TokenSkip.SemanticKernel;

/// <summary>Defaults of a <see cref="TokenSkipChatClient"/>; each call may override them through <c>ChatOptions</c>.</summary>
public sealed class TokenSkipChatClientOptions
{
    /// <summary>γ for calls that set neither <c>compression_ratio</c> nor <c>token_budget</c>. Default 1.0 (no compression).</summary>
    public CompressionRatio DefaultCompressionRatio { get; set; } = CompressionRatio.Uncompressed;

    /// <summary>The output cap for calls that set no <c>MaxOutputTokens</c>. Default 512 (TokenSkip evaluates GSM8K with 512).</summary>
    public int DefaultMaxOutputTokens { get; set; } = 512;

    /// <summary>The model's calibration (<c>tokenskip.json</c>), used to plan γ for calls that give only a budget.</summary>
    public ModelCard? ModelCard { get; set; }

    /// <summary>
    /// The planner for calls that give only a budget; null creates one from <see cref="ModelCard"/> that counts questions
    /// with the engine's tokenizer. Share one planner between clients to pool what it learns.
    /// </summary>
    public BudgetPlanner? Planner { get; set; }

    /// <summary>When true (the default) every call that finishes on its own teaches the planner its CoT length.</summary>
    public bool ObserveCompletions { get; set; } = true;

    /// <summary>A copy of these options.</summary>
    public TokenSkipChatClientOptions Clone() => (TokenSkipChatClientOptions)MemberwiseClone();
}
