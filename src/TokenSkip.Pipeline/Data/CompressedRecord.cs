using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Data;

/// <summary>One CoT compressed at one ratio (output of the compression stage).</summary>
/// <param name="Id">The problem's id.</param>
/// <param name="Gamma">The requested ratio γ.</param>
/// <param name="CompressedCot">The kept words, re-joined.</param>
/// <param name="KeptWordIndices">Indices of the kept words in the original CoT's word list.</param>
/// <param name="OriginalTokens">Target-model tokens of the original CoT.</param>
/// <param name="CompressedTokens">Target-model tokens of the compressed CoT.</param>
public sealed record CompressedRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("gamma")] double Gamma,
    [property: JsonPropertyName("compressed_cot")] string CompressedCot,
    [property: JsonPropertyName("kept_word_indices")] IReadOnlyList<int> KeptWordIndices,
    [property: JsonPropertyName("original_tokens")] int OriginalTokens,
    [property: JsonPropertyName("compressed_tokens")] int CompressedTokens)
{
    /// <summary>The achieved ratio in target-model tokens.</summary>
    [JsonPropertyName("actual_ratio")]
    public double ActualRatio => OriginalTokens == 0 ? 1.0 : (double)CompressedTokens / OriginalTokens;
}
