namespace TokenSkip.Core.Answers;

/// <summary>A parsed arithmetic/LaTeX expression: evaluates to a number given values for its variables.</summary>
internal sealed class MathExpression
{
    private readonly Func<Func<string, double>, double> _evaluate;

    public MathExpression(Func<Func<string, double>, double> evaluate, IReadOnlySet<string> variables)
    {
        _evaluate = evaluate;
        Variables = variables;
    }

    /// <summary>The free variables (letter runs such as x or ab, subscripted names, Greek letters).</summary>
    public IReadOnlySet<string> Variables { get; }

    /// <summary>The value with <paramref name="valueOf"/> supplying each variable; NaN where undefined.</summary>
    public double Evaluate(Func<string, double> valueOf)
    {
        try
        {
            return _evaluate(valueOf);
        }
        catch (ArithmeticException)
        {
            return double.NaN;
        }
    }
}
