namespace TokenSkip.LoadBench;

/// <summary>The fixed workload: the same questions, in the same order, and the same completion length at every level.</summary>
internal static class Workload
{
    private static readonly string[] Names = ["Tom", "Mia", "Ravi", "Lena", "Omar", "Yuki", "Sara", "Ken"];
    private static readonly string[] Things = ["apples", "marbles", "stamps", "books", "shells", "coins"];

    public static string Question(int i) =>
        $"{Names[i % Names.Length]} has {i % 40 + 5} {Things[i % Things.Length]} and buys {i % 7 + 2} more each day for {i % 5 + 2} days. " +
        $"Then {Names[(i + 3) % Names.Length]} takes {i % 4 + 1} of them. How many {Things[i % Things.Length]} are left?";
}
