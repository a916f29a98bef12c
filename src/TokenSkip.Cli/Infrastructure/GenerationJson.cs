using System.Text.Json.Serialization;
using TokenSkip.Core.Generation;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>The JSON shape <c>generate --json</c> prints (a stable contract other tools parse).</summary>
internal sealed record GenerationJson(
    [property: JsonPropertyName("prompt_ids")] IReadOnlyList<int> PromptIds,
    [property: JsonPropertyName("output_ids")] IReadOnlyList<int> OutputIds,
    [property: JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Text,
    [property: JsonPropertyName("finish_reason")] string FinishReason,
    [property: JsonPropertyName("usage")] UsageJson Usage,
    [property: JsonPropertyName("timings"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TimingsJson? Timings = null)
{
    public static GenerationJson From(GenerationResult result, TimingsJson? timings = null) => new(
        result.PromptIds,
        result.OutputIds,
        result.Text,
        FinishReasonText(result.FinishReason),
        new UsageJson(result.Usage.PromptTokens, result.Usage.CompletionTokens),
        timings);

    public static string FinishReasonText(Core.Generation.FinishReason reason) =>
        reason == Core.Generation.FinishReason.Stop ? "stop" : "length";
}
