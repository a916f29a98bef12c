using TokenSkip.Core;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>The record of one worksheet step.</summary>
/// <param name="Index">The step's position (1-based).</param>
/// <param name="Question">The question.</param>
/// <param name="Ratio">The γ it ran at.</param>
/// <param name="MaxOutputTokens">Its cap.</param>
/// <param name="TokensUsed">Completion tokens it spent.</param>
/// <param name="BudgetLeft">Tokens left after it (negative when the worksheet overran its budget).</param>
/// <param name="Answer">The extracted answer (empty when none).</param>
/// <param name="Expected">The reference answer.</param>
/// <param name="Correct">Whether the answer matches.</param>
/// <param name="Truncated">Whether the cap cut the reasoning off.</param>
/// <param name="Explanation">The policy's reason for γ.</param>
public sealed record WorksheetStep(int Index, string Question, CompressionRatio Ratio, int MaxOutputTokens, int TokensUsed,
    int BudgetLeft, string Answer, string Expected, bool Correct, bool Truncated, string Explanation);
