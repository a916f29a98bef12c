using Microsoft.Extensions.Options;

namespace TokenSkip.Hosting;

/// <summary>Checks <see cref="TokenSkipServerOptions"/> at startup; each failure names the configuration key.</summary>
internal sealed class TokenSkipServerOptionsValidator : IValidateOptions<TokenSkipServerOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenSkipServerOptions options)
    {
        var failures = new List<string>();
        void Require(bool ok, string key, string rule)
        {
            if (!ok)
            {
                failures.Add($"{TokenSkipServerOptions.SectionName}:{key} {rule}");
            }
        }

        Require(options.Port is >= 0 and <= 65535, nameof(options.Port), $"must be 0..65535; got {options.Port}");
        Require(!string.IsNullOrWhiteSpace(options.Host), nameof(options.Host), "must not be empty");
        Require(options.Threads is null or >= 1, nameof(options.Threads), $"must be at least 1 when set; got {options.Threads}");
        Require(options.MaxBatchSize >= 1, nameof(options.MaxBatchSize), $"must be at least 1; got {options.MaxBatchSize}");
        Require(options.MaxQueueLength >= 1, nameof(options.MaxQueueLength), $"must be at least 1; got {options.MaxQueueLength}");
        Require(options.ContextTokens >= 2, nameof(options.ContextTokens), $"must be at least 2; got {options.ContextTokens}");
        Require(options.PrefillChunkTokens >= 1, nameof(options.PrefillChunkTokens), $"must be at least 1; got {options.PrefillChunkTokens}");
        Require(options.DefaultMaxTokens >= 1, nameof(options.DefaultMaxTokens), $"must be at least 1; got {options.DefaultMaxTokens}");
        Require(options.MaxTokensLimit >= 1, nameof(options.MaxTokensLimit), $"must be at least 1; got {options.MaxTokensLimit}");
        Require(options.MaxRequestBodyBytes is >= 1024 and <= int.MaxValue, nameof(options.MaxRequestBodyBytes),
            $"must be between 1024 and {int.MaxValue}; got {options.MaxRequestBodyBytes}");
        Require(options.RequestTimeout > TimeSpan.Zero || options.RequestTimeout == Timeout.InfiniteTimeSpan,
            nameof(options.RequestTimeout), $"must be positive; got {options.RequestTimeout}");
        Require(options.ShutdownTimeout >= TimeSpan.Zero, nameof(options.ShutdownTimeout), $"must not be negative; got {options.ShutdownTimeout}");
        Require(options.RetryAfterSeconds >= 1, nameof(options.RetryAfterSeconds), $"must be at least 1; got {options.RetryAfterSeconds}");
        Require(options.DefaultCompressionRatio is null or (>= 0.5 and <= 1.0), nameof(options.DefaultCompressionRatio),
            $"must be between 0.5 and 1.0 when set; got {options.DefaultCompressionRatio}");
        Require(options.ApiKey is null || options.ApiKey.Trim().Length > 0, nameof(options.ApiKey), "must not be blank when set");
        Require(options.ApiKey is not null || options.AllowUnauthenticated || string.IsNullOrWhiteSpace(options.Host) || ListenAddress.IsLoopback(options.Host),
            nameof(options.Host), $"'{options.Host}' listens beyond loopback without authentication: set an API key " +
            $"(--api-key, {TokenSkipServerOptions.SectionName}:ApiKey) or allow it explicitly (--allow-unauthenticated, " +
            $"{TokenSkipServerOptions.SectionName}:AllowUnauthenticated)");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
