using System.Globalization;
using System.Text;

namespace TokenSkip.Pipeline.Synthetic;

/// <summary>
/// Accumulates a problem's question sentences and its chain of thought, step by step, choosing among
/// paraphrases with the problem's random stream so that CoTs are verbose and varied but always carry the
/// equation of every step.
/// </summary>
internal sealed class ProblemWriter(Random random)
{
    private readonly List<string> _question = [];
    private readonly List<string> _thought = [];

    public Random Random { get; } = random;

    public int Steps { get; private set; }

    /// <summary>The largest number any step used or produced.</summary>
    public int LargestNumber { get; private set; }

    /// <summary>Adds a question sentence.</summary>
    public void Say(string sentence) => _question.Add(sentence);

    /// <summary>Adds a reasoning sentence that is not a step (an opening or closing remark).</summary>
    public void Think(string sentence) => _thought.Add(sentence);

    /// <summary>Adds a reasoning step built around one equation; returns the result.</summary>
    public int Step(int left, char op, int right, Func<string, string> sentence)
    {
        var result = op switch
        {
            '+' => left + right,
            '-' => left - right,
            '×' => left * right,
            '÷' => left / right,
            _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown operation"),
        };
        if ((op == '÷' && left % right != 0) || result < 0)
        {
            throw new InvalidOperationException($"step {left} {op} {right} has no exact non-negative result");
        }

        _thought.Add(sentence(Equation(left, op, right, result)));
        Steps++;
        LargestNumber = Math.Max(LargestNumber, Math.Max(result, Math.Max(left, right)));
        return result;
    }

    /// <summary>Picks one of several phrasings.</summary>
    public string Pick(params string[] options) => options[Random.Next(options.Length)];

    /// <summary>A uniform integer in [min, max].</summary>
    public int Between(int min, int max) => Random.Next(min, max + 1);

    /// <summary>Upper-cases the first letter ("she" → "She").</summary>
    public static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    public WordProblem Finish(int answer)
    {
        var text = answer.ToString(CultureInfo.InvariantCulture);
        Think(Pick(
            $"So the answer is {text}.",
            $"That means the result is {text}.",
            $"Therefore, the final result is {text}."));
        var cot = new StringBuilder()
            .AppendJoin('\n', _thought)
            .Append("\n\nThe final answer is: $\\boxed{").Append(text).Append("}$")
            .ToString();
        return new WordProblem(string.Join(' ', _question), cot, text);
    }

    private static string Equation(int left, char op, int right, int result) =>
        string.Create(CultureInfo.InvariantCulture, $"{left} {op} {right} = {result}");
}
