using TokenSkip.Core.Turns;

namespace TokenSkip.Hosting.Api;

/// <summary>A validated chat request: the turn for the policy, the model it names, and how to answer.</summary>
internal sealed record ChatPlan(string? Model, TurnRequest Turn, SamplingPlan Sampling);
