namespace TokenSkip.Pipeline.Synthetic;

/// <summary>Earning and spending: "Liam earns $8 an hour and works 6 hours. He spends $15 on a book..."</summary>
internal sealed class MoneyScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var (name, pronoun, possessive) = Any(w, Vocabulary.People);
        var rate = w.Between(3, 9);
        var hours = w.Between(2, 9);
        w.Think(w.Pick("Let's solve this step by step.", "Let's figure this out step by step.", "We will go through the problem step by step."));
        w.Say($"{name} earns ${rate} an hour and works {hours} hours.");
        var money = w.Step(rate, '×', hours, eq => w.Pick(
            $"First, we find how much {name} earns: {eq} dollars.",
            $"{name} works {hours} hours at ${rate} an hour, so {pronoun} earns {eq} dollars."));
        while (w.Steps < steps)
        {
            if (w.Random.Next(2) == 0 && money > 4)
            {
                var cost = w.Between(1, Math.Min(money - 1, 30));
                var thing = Any(w, Vocabulary.Purchases);
                w.Say($"{ProblemWriter.Capitalize(pronoun)} spends ${cost} on {thing}.");
                money = w.Step(money, '-', cost, eq => w.Pick(
                    $"Then {pronoun} spends {cost} dollars on {thing}, so {pronoun} has {eq} dollars left.",
                    $"Buying {thing} costs {cost} dollars, which leaves {eq} dollars."));
            }
            else
            {
                var gift = w.Between(2, 20);
                w.Say($"{ProblemWriter.Capitalize(possessive)} grandmother gives {possessive} ${gift}.");
                money = w.Step(money, '+', gift, eq => w.Pick(
                    $"Next, {possessive} grandmother gives {possessive} {gift} dollars, so {pronoun} has {eq} dollars.",
                    $"Adding the gift of {gift} dollars gives {eq} dollars."));
            }
        }

        w.Say($"How many dollars does {name} have now?");
        w.Think($"So {name} has {money} dollars now.");
        return w.Finish(money);
    }
}
