namespace TokenSkip.Pipeline.Synthetic;

/// <summary>A person gains and loses items: "Mia has 12 apples. She buys 3 bags with 4 apples in each bag..."</summary>
internal sealed class CollectorScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var (name, pronoun, possessive) = Any(w, Vocabulary.People);
        var item = Any(w, Vocabulary.Items);
        var total = w.Between(5, 30);
        w.Say($"{name} has {total} {item}.");
        w.Think(w.Pick("Let's solve this step by step.", "Let's work through this one step at a time.", "We can solve this step by step."));
        w.Think($"At the start, {name} has {total} {item}.");
        while (w.Steps < steps)
        {
            var left = steps - w.Steps;
            var choice = left >= 2 ? w.Between(0, 2) : w.Between(0, 1);
            if (choice == 2)
            {
                var container = Any(w, Vocabulary.Containers);
                var count = w.Between(2, 9);
                var each = w.Between(2, 9);
                w.Say($"Then {pronoun} buys {count} {container} with {each} {item} in each one.");
                var bought = w.Step(count, '×', each, eq => $"First, we find how many {item} are in the {container}: {eq} {item}.");
                var before = total;
                total = w.Step(before, '+', bought, eq => $"Adding these to the {item} {pronoun} already had gives {eq} {item}.");
            }
            else if (choice == 1 && total > 3)
            {
                var given = w.Between(1, Math.Min(total - 1, 20));
                w.Say($"{ProblemWriter.Capitalize(pronoun)} gives {given} {item} to {Any(w, Vocabulary.Friends)}.");
                total = w.Step(total, '-', given, eq => w.Pick(
                    $"After giving some away, {pronoun} has {eq} {item} left.",
                    $"We subtract the {item} {pronoun} gave away: {eq} {item}.",
                    $"Giving {given} away leaves {eq} {item}."));
            }
            else
            {
                var found = w.Between(2, 20);
                w.Say(w.Pick($"Later {pronoun} finds {found} more {item}.", $"{ProblemWriter.Capitalize(possessive)} aunt gives {possessive} {found} more {item}."));
                total = w.Step(total, '+', found, eq => w.Pick(
                    $"Now we add the new {item}: {eq} {item}.",
                    $"With {found} more, {pronoun} has {eq} {item}.",
                    $"Adding them up, {eq} {item}."));
            }
        }

        w.Say($"How many {item} does {name} have now?");
        w.Think($"So {name} has {total} {item} now.");
        return w.Finish(total);
    }
}
