namespace TokenSkip.Pipeline.Synthetic;

/// <summary>Groups: "A school has 4 classes of 25 students. 8 are absent. The rest form teams of 4..."</summary>
internal sealed class SchoolScenario : WordProblemScenario
{
    public override WordProblem Write(ProblemWriter w, int steps)
    {
        var classes = w.Between(2, 4);
        var students = w.Between(10, 25);
        w.Think(w.Pick("Let's solve this step by step.", "Let's count step by step.", "We can solve this one step at a time."));
        w.Say($"A school has {classes} classes with {students} students in each class.");
        var total = w.Step(classes, '×', students, eq => w.Pick(
            $"First, we count all the students: {eq} students.",
            $"There are {classes} classes of {students}, so there are {eq} students."));
        if (steps >= 4)
        {
            var visitors = w.Between(2, 10);
            w.Say($"{visitors} visiting students join them.");
            total = w.Step(total, '+', visitors, eq => $"With {visitors} visitors, there are {eq} students.");
        }

        if (steps == 2)
        {
            var absent = w.Between(1, Math.Min(total - 1, 15));
            w.Say($"{absent} students are absent today. How many students are at school?");
            var present = w.Step(total, '-', absent, eq => $"Since {absent} are absent, {eq} students are at school.");
            w.Think($"So {present} students are at school.");
            return w.Finish(present);
        }

        var team = w.Between(2, 6);
        var teams = w.Between(1, Math.Max(1, (total - 1) / team));
        var absentCount = total - team * teams;
        if (absentCount <= 0)
        {
            teams = Math.Max(1, teams - 1);
            absentCount = total - team * teams;
        }

        w.Say($"{absentCount} students are absent, and the rest form teams of {team}. How many teams are there?");
        var present2 = w.Step(total, '-', absentCount, eq => $"Next, {absentCount} students are absent, so {eq} students are present.");
        var result = w.Step(present2, '÷', team, eq => $"The present students form teams of {team}, so there are {eq} teams.");
        w.Think($"There are {result} teams.");
        return w.Finish(result);
    }
}
