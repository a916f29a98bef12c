using System.Text.Json.Serialization;

namespace TokenSkip.Pipeline.Synthetic;

/// <summary>One synthetic word problem in the GSM8K jsonl layout.</summary>
/// <param name="Question">The problem statement.</param>
/// <param name="Cot">A verbose chain of thought carrying every equation, ending with <c>The final answer is: $\boxed{N}$</c>.</param>
/// <param name="Answer">The integer answer as text.</param>
public sealed record WordProblem(
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("cot")] string Cot,
    [property: JsonPropertyName("answer")] string Answer);
