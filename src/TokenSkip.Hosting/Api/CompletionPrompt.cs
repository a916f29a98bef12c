namespace TokenSkip.Hosting.Api;

/// <summary>A text completion's prompt: text, or token ids.</summary>
internal sealed record CompletionPrompt(string? Text, IReadOnlyList<int>? Ids);
