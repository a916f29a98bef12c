namespace TokenSkip.Plugins.Worksheets;

/// <summary>One problem of a worksheet, with its reference answer.</summary>
/// <param name="Question">The problem statement.</param>
/// <param name="Answer">The reference final answer.</param>
public sealed record WorksheetProblem(string Question, string Answer);
