namespace TokenSkip.Pipeline.Synthetic;

/// <summary>
/// A seeded generator of GSM8K-style word problems: several story shapes and entities, 2 to 4 reasoning steps
/// using +, −, × and ÷ with exact integer results, and a verbose CoT that states every equation and ends with
/// <c>The final answer is: $\boxed{N}$</c>. The same seed always yields the same problems; questions never repeat
/// within a run, and questions listed in <c>exclude</c> (e.g. a training set) are skipped. Problems whose numbers
/// exceed <c>largestNumber</c> are drawn again, which keeps the arithmetic within what a small model can learn
/// (the default keeps every operand and result at most 100).
/// </summary>
public static class WordProblemGenerator
{
    private static readonly WordProblemScenario[] Scenarios =
    [
        new CollectorScenario(), new SharingScenario(), new MoneyScenario(),
        new BakeryScenario(), new TravelScenario(), new SchoolScenario(),
    ];

    /// <summary>The number of reasoning steps problems have.</summary>
    public const int MinSteps = 2;

    /// <inheritdoc cref="MinSteps"/>
    public const int MaxSteps = 4;

    /// <summary>The default bound on every operand and result.</summary>
    public const int DefaultLargestNumber = 100;

    /// <summary>Generates <paramref name="count"/> distinct problems from <paramref name="seed"/>.</summary>
    /// <exception cref="InvalidOperationException">The generator could not find enough new questions.</exception>
    public static IEnumerable<WordProblem> Generate(int seed, int count, IReadOnlySet<string>? exclude = null, int largestNumber = DefaultLargestNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(largestNumber, 20);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var random = new Random(seed);
        var produced = 0;
        var attempts = 0;
        while (produced < count)
        {
            if (++attempts > count * 20 + 1000)
            {
                throw new InvalidOperationException($"only {produced} distinct problems found for seed {seed}; the exclusion list leaves too few");
            }

            // Each problem gets its own stream so that a problem depends only on the seed and its draw order.
            var writer = new ProblemWriter(new Random(random.Next()));
            var scenario = Scenarios[writer.Random.Next(Scenarios.Length)];
            var problem = scenario.Write(writer, writer.Between(MinSteps, MaxSteps));
            if (writer.LargestNumber > largestNumber || exclude?.Contains(problem.Question) == true || !seen.Add(problem.Question))
            {
                continue;
            }

            produced++;
            yield return problem;
        }
    }
}
