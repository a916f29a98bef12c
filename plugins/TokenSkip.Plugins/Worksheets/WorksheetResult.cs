namespace TokenSkip.Plugins.Worksheets;

/// <summary>One worksheet run under one policy.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Budget">The worksheet's completion-token budget.</param>
/// <param name="Steps">Every step.</param>
public sealed record WorksheetResult(string Policy, int Budget, IReadOnlyList<WorksheetStep> Steps)
{
    /// <summary>Completion tokens spent in all.</summary>
    public int TokensUsed => Steps.Sum(s => s.TokensUsed);

    /// <summary>Whether the worksheet stayed within its budget.</summary>
    public bool WithinBudget => TokensUsed <= Budget;

    /// <summary>Steps answered correctly.</summary>
    public int Correct => Steps.Count(s => s.Correct);
}
