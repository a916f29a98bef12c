namespace TokenSkip.Pipeline.Evaluation;

/// <summary>One benchmark question with its reference answer.</summary>
/// <param name="Id">A stable identifier (the row's <c>id</c> or <c>unique_id</c>, else "line-N"), the key resumption uses.</param>
/// <param name="Question">The question as the model sees it.</param>
/// <param name="Answer">The reference answer as the dataset writes it.</param>
public sealed record EvaluationSample(string Id, string Question, string Answer);
