namespace TokenSkip.Pipeline.Evaluation;

/// <summary>The jsonl layouts an evaluation reads.</summary>
public enum DatasetLayout
{
    /// <summary>GSM8K as TokenSkip ships it: <c>{question, answer[, cot, id]}</c>.</summary>
    Gsm8k,

    /// <summary>MATH-500: <c>{problem, answer, solution, type, level, unique_id}</c>.</summary>
    Math,
}
