using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Data;

/// <summary>One line of a trajectories file: the target model's own answer to a training question.</summary>
/// <param name="Id">The problem's id.</param>
/// <param name="Question">The question.</param>
/// <param name="Answer">The reference answer.</param>
/// <param name="Output">The model's full response text (stop token removed).</param>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="OutputTokens">Tokens generated (the stop token included).</param>
/// <param name="FinishReason">"stop" or "length".</param>
public sealed record TrajectoryRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("output_tokens")] int OutputTokens,
    [property: JsonPropertyName("finish_reason")] string FinishReason);
