using System.Net;

namespace TokenSkip.TestSupport.Replicas;

/// <summary>How a <see cref="StubReplica"/> behaves: its speed and capacity, like a GPU server's, and what it refuses.</summary>
public sealed record StubReplicaOptions
{
    /// <summary>The model name <c>/v1/models</c> lists.</summary>
    public string ModelName { get; init; } = "stub-model";

    /// <summary>The prompt family <c>/v1/models</c> reports (as <c>tokenskip serve</c> does).</summary>
    public string Family { get; init; } = "qwen2";

    /// <summary>Tokens per second of each sequence (the per-token delay is its inverse).</summary>
    public double TokensPerSecond { get; init; } = 50;

    /// <summary>Sequences decoded at once; further requests queue, as on a continuous-batching server.</summary>
    public int MaxSequences { get; init; } = 16;

    /// <summary>Tokens per reply when the request sets no <c>max_tokens</c>.</summary>
    public int ReplyTokens { get; init; } = 32;

    /// <summary>
    /// Decides, per request number (1-based, over every <c>/completions</c> request), whether to refuse it: a status
    /// (429, 503) and an optional <c>Retry-After</c>; null serves it.
    /// </summary>
    public Func<int, (HttpStatusCode Status, TimeSpan? RetryAfter)?>? Refuse { get; init; }
}
