namespace TokenSkip.Pipeline.Synthetic;

/// <summary>Distances: "A train travels 40 miles each hour for 3 hours, then 25 more miles..."</summary>
internal sealed class TravelScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var vehicle = Any(w, Vocabulary.Vehicles);
        var speed = w.Between(2, 5) * 5;
        var hours = w.Between(2, 4);
        w.Think(w.Pick("Let's solve this step by step.", "Let's think about the trip step by step.", "We can find the distance step by step."));
        w.Say($"A {vehicle} travels {speed} miles each hour for {hours} hours.");
        var distance = w.Step(speed, '×', hours, eq => w.Pick(
            $"First, the {vehicle} goes {speed} miles each hour for {hours} hours, which is {eq} miles.",
            $"In {hours} hours at {speed} miles per hour, the {vehicle} covers {eq} miles."));
        while (w.Steps < steps)
        {
            // Short distances only grow, so going back never reaches zero.
            if (w.Random.Next(2) == 0 || distance < 10)
            {
                var more = w.Between(5, 30);
                w.Say($"Then it travels {more} more miles.");
                distance = w.Step(distance, '+', more, eq => $"Then it travels {more} more miles, so the distance is {eq} miles.");
            }
            else
            {
                var back = w.Between(1, Math.Min(distance - 1, 30));
                w.Say($"Then it goes {back} miles back toward the start.");
                distance = w.Step(distance, '-', back, eq => $"Going {back} miles back means it is {eq} miles from the start.");
            }
        }

        w.Say($"How many miles from the start is the {vehicle} now?");
        w.Think($"So the {vehicle} is {distance} miles from the start.");
        return w.Finish(distance);
    }
}
