using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.Core.Remote;

/// <summary>
/// Settings of <see cref="OpenAICompatibleEngine"/>: the replicas (API roots of OpenAI-compatible servers that serve the
/// same model), how many requests are in flight, and how failures are retried, ejected and waited out.
/// </summary>
public sealed record OpenAICompatibleEngineOptions
{
    /// <summary>The replicas' API roots, e.g. <c>http://gpu1:8000/v1</c>; <c>completions</c> and <c>models</c> are appended.</summary>
    public IReadOnlyList<Uri> Endpoints { get; init; } = [];

    /// <summary>Sent as a bearer token to every replica when given.</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// The served model name (vLLM's <c>--served-model-name</c>); null takes the one model the replicas' <c>/models</c>
    /// lists (an error when it lists several).
    /// </summary>
    public string? ServedModel { get; init; }

    /// <summary>
    /// The model's prompt family; null reads it from <c>tokenskip serve</c>'s <c>/models</c> (<c>family</c>). Other
    /// servers do not say: give it (or the model folder's config) for them.
    /// </summary>
    public ModelFamily? Family { get; init; }

    /// <summary>The model's context length; null reads it from the server (<c>max_model_len</c>), else 32,768.</summary>
    public int? ContextLength { get; init; }

    /// <summary>
    /// The model's tokenizer, for <see cref="OpenAICompatibleEngine.CountTokens"/> (e.g. CoT lengths in an evaluation);
    /// null estimates one token per four characters.
    /// </summary>
    public ITextTokenizer? Tokenizer { get; init; }

    /// <summary>The most requests this engine has in flight at once, over all replicas (more wait their turn). Default 64.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>What a failure in the middle of a streamed reply does. Default <see cref="StreamFailover.BeforeFirstToken"/>.</summary>
    public StreamFailover Failover { get; init; } = StreamFailover.BeforeFirstToken;

    /// <summary>How long opening a connection may take (only for the HTTP client the engine creates). Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a replica may take to answer a request's headers (a streamed reply) or the whole reply (a non-streamed
    /// one) before the attempt counts as failed. Default 5 minutes (a busy server queues requests).
    /// </summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest silence between two events of a streamed reply before the attempt counts as failed. Default 2 minutes.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Retries per request after its first attempt (each on the least busy replica). Default 6.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>The first retry's delay; later ones double it, with jitter, up to <see cref="MaxRetryDelay"/>. Default 200 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two retries. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failures in a row after which a replica is taken out until a probe (<c>GET /models</c>) finds it back; a refused
    /// connection takes it out at once. Default 3.
    /// </summary>
    public int FailuresToEject { get; init; } = 3;

    /// <summary>How long a replica stays out before each probe. Default 5 s.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request waits when every replica is out (or asked to be left alone with <c>Retry-After</c>) before it
    /// fails with an error naming them. Default 2 minutes.
    /// </summary>
    public TimeSpan UnavailableTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public OpenAICompatibleEngineOptions Validate()
    {
        if (Endpoints is null || Endpoints.Count == 0)
        {
            throw new ArgumentException("endpoints: give at least one API root, e.g. http://localhost:8000/v1", nameof(Endpoints));
        }

        foreach (var endpoint in Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"endpoints: '{endpoint}' is not an absolute http(s) URL", nameof(Endpoints));
            }
        }

        if (ServedModel is not null && string.IsNullOrWhiteSpace(ServedModel))
        {
            throw new ArgumentException("served_model: empty name", nameof(ServedModel));
        }

        if (ContextLength is < 2)
        {
            throw new ArgumentException($"context_length must be at least 2 tokens; got {ContextLength}", nameof(ContextLength));
        }

        Positive(Concurrency, "concurrency", nameof(Concurrency));
        Positive(FailuresToEject, "failures_to_eject", nameof(FailuresToEject));
        if (MaxRetries < 0)
        {
            throw new ArgumentException($"max_retries must be 0 or more; got {MaxRetries}", nameof(MaxRetries));
        }

        foreach (var (value, name) in new[]
        {
            (ConnectTimeout, "connect_timeout"), (ResponseTimeout, "response_timeout"), (IdleTimeout, "idle_timeout"),
            (MaxRetryDelay, "max_retry_delay"), (ProbeInterval, "probe_interval"), (UnavailableTimeout, "unavailable_timeout"),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentException($"{name} must be positive; got {value}", name);
            }
        }

        if (RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"retry_delay must not be negative; got {RetryDelay}", nameof(RetryDelay));
        }

        return this;
    }

    private static void Positive(int value, string name, string property)
    {
        if (value < 1)
        {
            throw new ArgumentException($"{name} must be at least 1; got {value}", property);
        }
    }
}
