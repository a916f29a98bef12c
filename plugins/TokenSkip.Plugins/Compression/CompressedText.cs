using System.Text.Json.Serialization;

namespace TokenSkip.Plugins;

/// <summary>What <see cref="CompressionPlugin.CompressText"/> returns.</summary>
/// <param name="Text">The compressed text (TokenSkip's answer line, when present, kept verbatim).</param>
/// <param name="RequestedRatio">The γ asked for.</param>
/// <param name="ActualRatio">Compressed over original tokens of the text before the answer line, in the target model's tokens.</param>
/// <param name="OriginalTokens">Tokens before compression.</param>
/// <param name="CompressedTokens">Tokens after compression.</param>
/// <param name="Scorer">The importance scorer that ranked the words.</param>
public sealed record CompressedText(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("requested_ratio")] double RequestedRatio,
    [property: JsonPropertyName("actual_ratio")] double ActualRatio,
    [property: JsonPropertyName("original_tokens")] int OriginalTokens,
    [property: JsonPropertyName("compressed_tokens")] int CompressedTokens,
    [property: JsonPropertyName("scorer")] string Scorer);
