namespace TokenSkip.Pipeline.Synthetic;

/// <summary>Production, sales and packing: "A bakery bakes 6 trays of 8 muffins, sells 20, and packs the rest in boxes of 4..."</summary>
internal sealed class BakeryScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var place = Any(w, Vocabulary.Bakeries);
        var good = Any(w, Vocabulary.BakedGoods);
        var trays = w.Between(2, 9);
        var perTray = w.Between(4, 9);
        w.Think(w.Pick("Let's solve this step by step.", "Let's work through this step by step.", "We can solve this in a few steps."));
        w.Say($"A {place} makes {trays} trays of {good} with {perTray} {good} on each tray.");
        var total = w.Step(trays, '×', perTray, eq => w.Pick(
            $"First, we find how many {good} the {place} makes: {eq} {good}.",
            $"There are {trays} trays with {perTray} {good} on each, so the {place} makes {eq} {good}."));
        if (steps >= 4)
        {
            var more = w.Between(2, 15);
            w.Say($"Later it makes {more} more {good}.");
            total = w.Step(total, '+', more, eq => $"Then it makes {more} more, so it has {eq} {good}.");
        }

        if (steps == 2)
        {
            var sold = w.Between(1, total - 1);
            w.Say($"It sells {sold} {good}. How many {good} are left?");
            var rest = w.Step(total, '-', sold, eq => $"After selling {sold} {good}, the {place} has {eq} {good} left.");
            w.Think($"So {rest} {good} are left.");
            return w.Finish(rest);
        }

        // Sell some so that the remainder packs exactly into boxes.
        var boxSize = w.Between(2, 6);
        var boxes = w.Between(1, Math.Max(1, (total - 1) / boxSize));
        var soldCount = total - boxSize * boxes;
        if (soldCount <= 0)
        {
            boxes = Math.Max(1, boxes - 1);
            soldCount = total - boxSize * boxes;
        }

        w.Say($"It sells {soldCount} {good} and packs the rest into boxes of {boxSize}. How many boxes does it fill?");
        var left = w.Step(total, '-', soldCount, eq => $"Next, the {place} sells {soldCount}, so {eq} {good} are left to pack.");
        var filled = w.Step(left, '÷', boxSize, eq => $"Each box holds {boxSize} {good}, so the number of boxes is {eq}.");
        w.Think($"The {place} fills {filled} boxes.");
        return w.Finish(filled);
    }
}
