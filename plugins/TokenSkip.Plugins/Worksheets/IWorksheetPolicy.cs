using TokenSkip.Core;

namespace TokenSkip.Plugins.Worksheets;

/// <summary>Decides γ and the cap for each step of a budgeted worksheet, and may learn from finished steps.</summary>
public interface IWorksheetPolicy
{
    /// <summary>A short name for reports ("planner", "γ=1.0 truncated").</summary>
    string Name { get; }

    /// <summary>Plans the next step.</summary>
    /// <param name="remainingTokens">Tokens left for the worksheet.</param>
    /// <param name="stepsLeft">Steps left, this one included.</param>
    /// <param name="question">The step's question.</param>
    /// <param name="defaultMaxTokens">The cap a step gets when the policy sets none.</param>
    StepPlan Plan(int remainingTokens, int stepsLeft, string question, int defaultMaxTokens);

    /// <summary>Learns from a step that finished on its own (not cut off).</summary>
    /// <param name="ratio">The γ it ran at.</param>
    /// <param name="cotTokens">Tokens of its CoT (before the answer line).</param>
    /// <param name="completionTokens">All its completion tokens.</param>
    /// <param name="question">Its question.</param>
    void Observe(CompressionRatio ratio, int cotTokens, int completionTokens, string question);
}
