using System.Text.Json.Serialization;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Wall-clock timings of one generation (<c>generate --json</c>), as llama.cpp reports them: the prompt phase ends when
/// the first token is out (prefill plus that token's sampling), the decode phase covers every later token.
/// </summary>
internal sealed record TimingsJson(
    [property: JsonPropertyName("prompt_ms")] double PromptMilliseconds,
    [property: JsonPropertyName("decode_ms")] double DecodeMilliseconds,
    [property: JsonPropertyName("prefill_tokens_per_second")] double PrefillTokensPerSecond,
    [property: JsonPropertyName("decode_tokens_per_second")] double DecodeTokensPerSecond)
{
    /// <summary>
    /// Timings from the moments the first token came out and the generation ended (both from its start). The first
    /// token is excluded from the decode rate: it comes from the prompt's prefill. A rate with nothing to measure is 0.
    /// </summary>
    public static TimingsJson From(int promptTokens, int completionTokens, TimeSpan firstToken, TimeSpan total)
    {
        var promptMs = firstToken.TotalMilliseconds;
        var decodeMs = Math.Max(0, total.TotalMilliseconds - promptMs);
        var decoded = Math.Max(0, completionTokens - 1);
        return new TimingsJson(
            Math.Round(promptMs, 3),
            Math.Round(decodeMs, 3),
            Math.Round(promptMs > 0 ? promptTokens * 1000 / promptMs : 0, 3),
            Math.Round(decoded > 0 && decodeMs > 0 ? decoded * 1000 / decodeMs : 0, 3));
    }
}
