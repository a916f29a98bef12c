namespace TokenSkip.Pipeline.Synthetic;

/// <summary>Items are gathered, then shared equally: the last step is an exact division.</summary>
internal sealed class SharingScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var (name, pronoun, _) = Any(w, Vocabulary.People);
        var item = Any(w, Vocabulary.Items);
        var container = Any(w, Vocabulary.Containers);
        var friends = w.Between(2, 6);
        var boxes = w.Between(2, 8);
        var each = w.Between(2, 9);
        w.Think(w.Pick("Let's solve this step by step.", "Let's break the problem into steps.", "We can work this out one step at a time."));
        w.Say($"{name} has {boxes} {container} of {item} with {each} {item} in each.");
        var total = w.Step(boxes, '×', each, eq => $"First, {name} has {boxes} {container} with {each} {item} each, so {pronoun} has {eq} {item}.");
        if (steps >= 3)
        {
            // Choose the extra amount so that the final division is exact.
            var extra = (friends - total % friends) % friends + friends * w.Between(0, 3);
            extra = extra == 0 ? friends : extra;
            w.Say($"{ProblemWriter.Capitalize(pronoun)} buys {extra} more {item}.");
            total = w.Step(total, '+', extra, eq => $"Then {pronoun} buys {extra} more, so the total becomes {eq} {item}.");
        }

        if (steps >= 4)
        {
            var keep = friends * w.Between(1, Math.Max(1, total / friends / 2));
            keep = keep >= total ? friends : keep;
            w.Say($"{ProblemWriter.Capitalize(pronoun)} keeps {keep} {item} for later.");
            total = w.Step(total, '-', keep, eq => $"{ProblemWriter.Capitalize(pronoun)} keeps {keep} for later, which leaves {eq} {item} to share.");
        }

        if (total % friends != 0)
        {
            friends = Divisor(total, w);
        }

        w.Say($"{ProblemWriter.Capitalize(pronoun)} shares the {item} equally among {friends} friends. How many {item} does each friend get?");
        var share = w.Step(total, '÷', friends, eq => $"Finally, we share the {item} equally among {friends} friends: {eq} {item} for each friend.");
        w.Think($"Each friend gets {share} {item}.");
        return w.Finish(share);
    }

    private static int Divisor(int total, ProblemWriter w)
    {
        var options = Enumerable.Range(2, 8).Where(d => total % d == 0).ToArray();
        return options.Length > 0 ? options[w.Random.Next(options.Length)] : 1;
    }
}
