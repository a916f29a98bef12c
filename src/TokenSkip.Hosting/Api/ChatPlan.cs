using TokenSkip.Core;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Hosting.Api;

/// <summary>A validated chat request: the conversation, TokenSkip's γ and budget, and the shared fields.</summary>
internal sealed record ChatPlan(
    string? Model,
    IReadOnlyList<PromptMessage> Messages,
    CompressionRatio? Ratio,
    int? TokenBudget,
    SamplingPlan Sampling);
