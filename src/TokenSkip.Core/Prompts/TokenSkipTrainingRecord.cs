using System.Text.Json.Serialization;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// One TokenSkip SFT sample in the Alpaca layout TokenSkip trains on (<c>instruction</c>, <c>input</c>,
/// <c>output</c>); the trainer joins instruction and input with a newline as the user turn.
/// </summary>
/// <param name="Instruction">TokenSkip's fixed instruction line.</param>
/// <param name="Input">The question, followed by <c>&lt;|eot_id|&gt;γ&lt;|eot_id|&gt;</c> when γ &lt; 1.</param>
/// <param name="Output">The (compressed) chain of thought and the answer line.</param>
public sealed record TokenSkipTrainingRecord(
    [property: JsonPropertyName("instruction")] string Instruction,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output);
