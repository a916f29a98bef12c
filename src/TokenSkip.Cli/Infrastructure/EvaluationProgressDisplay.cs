using Spectre.Console;
using TokenSkip.Pipeline.Evaluation;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Shows an evaluation's progress on stderr: a live Spectre.Console bar per stage on a terminal, otherwise (logs,
/// redirected output, tests) plain lines at each stage's start, every tenth of it, and its end.
/// </summary>
internal static class EvaluationProgressDisplay
{
    public static T Run<T>(CliConsole console, Func<IProgress<EvaluationProgress>, T> work)
    {
        if (!ReferenceEquals(console.Error, Console.Error) || Console.IsErrorRedirected)
        {
            return work(new LineProgress(console.Error));
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn())
            .Start(context =>
            {
                var bars = new BarProgress(context);
                var result = work(bars);
                bars.ShowFinalLines();
                return result;
            });
    }

    // One bar per stage; a stage's throughput pass shows on its bar only while it runs.
    private sealed class BarProgress(ProgressContext context) : IProgress<EvaluationProgress>
    {
        private readonly Dictionary<EvaluationStage, (ProgressTask Task, string Line)> _stages = [];

        public void Report(EvaluationProgress value)
        {
            if (value.MeasuringThroughput)
            {
                var (measured, last) = _stages[value.Stage];
                measured.Description = last + Markup.Escape(" – measuring batched throughput");
                return;
            }

            var line = Markup.Escape(EvaluationProgressLine.Format(value));
            if (!_stages.TryGetValue(value.Stage, out var stage))
            {
                ShowFinalLines();
                stage = (context.AddTask(line, maxValue: value.Total), line);
            }

            stage.Task.Description = line;
            stage.Task.Value = value.Completed;
            _stages[value.Stage] = (stage.Task, line);
        }

        public void ShowFinalLines()
        {
            foreach (var (task, last) in _stages.Values)
            {
                task.Description = last;
            }
        }
    }

    private sealed class LineProgress(TextWriter error) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            var step = Math.Max(1, value.Total / 10);
            var generated = value.Completed - value.Resumed;
            if (value.MeasuringThroughput || generated == 0 || generated % step == 0 || value.Completed == value.Total)
            {
                error.WriteLine(EvaluationProgressLine.Format(value));
            }
        }
    }
}
