namespace TokenSkip.Pipeline.Synthetic;

/// <summary>A family of word problems (a story shape) that writes one random instance.</summary>
internal abstract class WordProblemScenario
{
    /// <summary>Writes one problem with the given number of reasoning steps (2 to 4).</summary>
    public abstract WordProblem Write(ProblemWriter writer, int steps);

    protected static T Any<T>(ProblemWriter writer, IReadOnlyList<T> options) => options[writer.Random.Next(options.Count)];
}
