using TokenSkip.Core.Generation;

namespace TokenSkip.Hosting.Api;

/// <summary>How a served generation ended: its text, why, and its token counts.</summary>
internal sealed record CompletionOutcome(string Text, FinishReason FinishReason, GenerationUsage Usage);
