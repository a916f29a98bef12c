using System.Globalization;

namespace TokenSkip.Samples.HostedReasoning;

/// <summary>The sample's command line: model folder, per-question budget and the questions.</summary>
internal sealed record SampleOptions(string? Model, int Budget, IReadOnlyList<string> Questions)
{
    public static SampleOptions Parse(string[] args)
    {
        string? model = null;
        var budget = 200;
        var questions = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model" when i + 1 < args.Length:
                    model = args[++i];
                    break;
                case "--budget" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) && b > 0:
                    budget = b;
                    i++;
                    break;
                default:
                    questions.Add(args[i]);
                    break;
            }
        }

        if (questions.Count == 0)
        {
            questions.Add("A baker makes 4 trays of 12 rolls and sells 30 of them. How many rolls are left?");
        }

        return new SampleOptions(model, budget, questions);
    }
}
