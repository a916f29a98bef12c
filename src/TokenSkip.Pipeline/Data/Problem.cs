namespace TokenSkip.Pipeline.Data;

/// <summary>A question with its reference answer, from GSM8K, MATH-500 or a synthetic set.</summary>
/// <param name="Id">Stable id: the record's <c>id</c>/<c>unique_id</c> field, else "{file name}:{line}".</param>
/// <param name="Question">The problem statement.</param>
/// <param name="Answer">The reference final answer.</param>
/// <param name="ReferenceCot">The dataset's own solution text, when it has one.</param>
public sealed record Problem(string Id, string Question, string Answer, string? ReferenceCot);
