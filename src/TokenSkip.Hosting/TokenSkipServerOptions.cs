namespace TokenSkip.Hosting;

/// <summary>
/// The server's settings, bound from the <c>TokenSkip:Server</c> configuration section (appsettings.json, environment
/// variables such as <c>TokenSkip__Server__Port</c>, command-line flags of <c>tokenskip serve</c>).
/// </summary>
public sealed class TokenSkipServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "TokenSkip:Server";

    /// <summary>The model folder (Hugging Face layout with tokenizer.json); null serves the embedded default model.</summary>
    public string? Model { get; set; }

    /// <summary>A PEFT LoRA adapter folder merged into the model at load, or null.</summary>
    public string? Adapter { get; set; }

    /// <summary>The id clients name the model by (<c>/v1/models</c>, <c>model</c> field); null uses the model folder's name.</summary>
    public string? ModelId { get; set; }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>. Default <c>cpu</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary><c>float32</c>, <c>bfloat16</c> or <c>float16</c>; null picks bfloat16 on CUDA and float32 on the CPU.</summary>
    public string? DType { get; set; }

    /// <summary>Quantize the weights at load: <c>q8_0</c> or <c>q4_0</c> (CPU only), or null for the float weights.</summary>
    public string? Quantize { get; set; }

    /// <summary>
    /// CPU threads for tensor operations (libtorch's intra-op pool, process-wide), set on the model thread before loading;
    /// null keeps libtorch's choice (one per core). On a shared or small machine 1-2 threads often decode faster.
    /// </summary>
    public int? Threads { get; set; }

    /// <summary>
    /// The address to listen on. Default <c>127.0.0.1</c> (loopback only); <c>0.0.0.0</c>, <c>::</c> or <c>*</c> for every
    /// interface, which needs an <see cref="ApiKey"/> (or <see cref="AllowUnauthenticated"/>).
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The TCP port; 0 picks a free one. Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>When set, <c>/v1</c> requests must carry <c>Authorization: Bearer {ApiKey}</c>; health endpoints stay open.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Allows a <see cref="Host"/> beyond loopback (<c>0.0.0.0</c>, <c>::</c>, <c>*</c>, a LAN address) without an
    /// <see cref="ApiKey"/>; a warning is logged at startup. Without it such a server refuses to start. Default false.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>The most requests decoding at once (KV cache slots). Default 16.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// The most requests accepted but not yet decoding (waiting for a slot, or for the model thread's next step); more are
    /// refused with 429. Default 64.
    /// </summary>
    public int MaxQueueLength { get; set; } = 64;

    /// <summary>The context each request gets (prompt plus completion tokens), clipped to the model's. Default 2048.</summary>
    public int ContextTokens { get; set; } = 2048;

    /// <summary>The most prompt tokens prefilled per decode step, so long prompts do not stall running requests. Default 512.</summary>
    public int PrefillChunkTokens { get; set; } = 512;

    /// <summary>
    /// γ for chat requests that give no <c>compression_ratio</c>, overriding the model card's <c>default_ratio</c>; null
    /// (the default) uses the card's. Setting it also gives a model without a card TokenSkip's prompt.
    /// </summary>
    public double? DefaultCompressionRatio { get; set; }

    /// <summary>The completion length when a request gives no <c>max_tokens</c> (clipped to the context left). Default 512.</summary>
    public int DefaultMaxTokens { get; set; } = 512;

    /// <summary>The largest <c>max_tokens</c> a request may ask for. Default 4096.</summary>
    public int MaxTokensLimit { get; set; } = 4096;

    /// <summary>The largest request body in bytes; larger bodies get 413. Default 1 MiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a request may take from arrival (queueing included) before it is ended; default 10 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// On shutdown, how long requests already accepted may run to completion before they are cancelled; new requests are
    /// refused from the start of the shutdown. Default 30 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>Retry-After</c> seconds sent with 429 when the queue is full. Default 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
