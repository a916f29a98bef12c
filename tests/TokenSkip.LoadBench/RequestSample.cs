namespace TokenSkip.LoadBench;

/// <summary>One measured request: time to the first streamed token, total latency, completion tokens, or the error.</summary>
internal sealed record RequestSample(TimeSpan TimeToFirstToken, TimeSpan Latency, int CompletionTokens, string? Error);
