using System.Globalization;
using Evaluator = System.Func<System.Func<string, double>, double>;

namespace TokenSkip.Core.Answers;

/// <summary>
/// Parses the arithmetic in a normalised answer (numbers, + - * / ^, <c>\frac</c>, <c>\sqrt</c>, <c>\pi</c>,
/// implicit multiplication, common functions, factorial, %) into a <see cref="MathExpression"/>. It stands in for
/// the reference scorer's sympy check: answers are equivalent when their values agree. Anything it does not
/// understand (lists, intervals, <c>\pm</c>, <c>\infty</c>, sets, prose) makes <see cref="TryParse"/> fail, and
/// such answers are compared as strings only.
/// </summary>
/// <remarks>
/// A run of letters is one variable (so "Evelyn" and "Evelny" differ), which also means <c>xy</c> and <c>yx</c>
/// are not recognised as equal. An integer written right before an integer fraction is a mixed number
/// (<c>2\frac{1}{4}</c> = 2.25), as answers write it.
/// </remarks>
internal sealed class MathExpressionParser
{
    private static readonly HashSet<string> Greek =
    [
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
    ];

    private static readonly Dictionary<string, Func<double, double>> Functions = new()
    {
        ["sin"] = Math.Sin, ["cos"] = Math.Cos, ["tan"] = Math.Tan, ["cot"] = x => 1 / Math.Tan(x),
        ["sec"] = x => 1 / Math.Cos(x), ["csc"] = x => 1 / Math.Sin(x), ["arcsin"] = Math.Asin, ["arccos"] = Math.Acos,
        ["arctan"] = Math.Atan, ["ln"] = Math.Log, ["log"] = Math.Log, ["exp"] = Math.Exp,
    };

    private readonly string _text;
    private readonly HashSet<string> _variables = new(StringComparer.Ordinal);
    private int _at;

    private MathExpressionParser(string text) => _text = text;

    /// <summary>Parses <paramref name="text"/> whole; false when any part of it is not understood.</summary>
    public static bool TryParse(string text, out MathExpression expression)
    {
        expression = null!;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parser = new MathExpressionParser(text);
        var evaluate = parser.Sum();
        parser.SkipSpaces();
        if (evaluate is null || parser._at != text.Length)
        {
            return false;
        }

        expression = new MathExpression(evaluate, parser._variables);
        return true;
    }

    private Evaluator? Sum()
    {
        var left = Product();
        while (left is not null)
        {
            SkipSpaces();
            if (Accept('+'))
            {
                var right = Product();
                var l = left;
                left = right is null ? null : v => l(v) + right(v);
            }
            else if (Accept('-'))
            {
                var right = Product();
                var l = left;
                left = right is null ? null : v => l(v) - right(v);
            }
            else
            {
                break;
            }
        }

        return left;
    }

    private Evaluator? Product()
    {
        var left = Signed();
        while (left is not null)
        {
            SkipSpaces();
            var l = left;
            if (Accept('*') || AcceptCommand("times"))
            {
                var right = Signed();
                left = right is null ? null : v => l(v) * right(v);
            }
            else if (Accept('/') || AcceptCommand("div"))
            {
                var right = Signed();
                left = right is null ? null : v => l(v) / right(v);
            }
            else if (StartsPrimary())
            {
                var right = Power();
                left = right is null ? null : v => l(v) * right(v);
            }
            else
            {
                break;
            }
        }

        return left;
    }

    private Evaluator? Signed()
    {
        SkipSpaces();
        if (Accept('-'))
        {
            var operand = Signed();
            return operand is null ? null : v => -operand(v);
        }

        return Accept('+') ? Signed() : Power();
    }

    private Evaluator? Power()
    {
        var baseValue = Postfix();
        SkipSpaces();
        if (baseValue is null || !Accept('^'))
        {
            return baseValue;
        }

        SkipSpaces();
        var negative = Accept('-');
        var exponent = Peek() == '{' ? Group('{', '}')
            : Peek() is { } c && char.IsAsciiDigit(c) ? Integer()
            : Primary();
        return exponent is null ? null : negative ? v => Math.Pow(baseValue(v), -exponent(v)) : v => Math.Pow(baseValue(v), exponent(v));
    }

    private Evaluator? Postfix()
    {
        var value = Primary();
        while (value is not null)
        {
            var inner = value;
            if (Accept('!'))
            {
                value = v => Factorial(inner(v));
            }
            else if (Accept('%'))
            {
                value = v => inner(v) / 100;
            }
            else
            {
                break;
            }
        }

        return value;
    }

    private Evaluator? Primary()
    {
        SkipSpaces();
        var c = Peek();
        if (c is null)
        {
            return null;
        }

        if (char.IsAsciiDigit(c.Value) || c == '.')
        {
            return NumberOrMixedFraction();
        }

        if (char.IsAsciiLetter(c.Value))
        {
            return Variable(ReadLetters());
        }

        return c switch
        {
            '(' => Group('(', ')'),
            '{' => Group('{', '}'),
            '\\' => Command(),
            _ => null,
        };
    }

    private Evaluator? Command()
    {
        var start = _at;
        _at++;
        var name = ReadLetters();
        switch (name)
        {
            case "frac":
                var numerator = BracedOrChar();
                var denominator = BracedOrChar();
                return numerator is null || denominator is null ? null : v => numerator(v) / denominator(v);
            case "sqrt":
                SkipSpaces();
                var degree = Peek() == '[' ? Group('[', ']') : null;
                var radicand = BracedOrChar();
                if (radicand is null)
                {
                    return null;
                }

                return degree is null ? v => Math.Sqrt(radicand(v)) : v => Root(radicand(v), degree(v));
            case "pi":
                return _ => Math.PI;
            case "log" when Accept('_'):
                var logBase = Peek() == '{' ? Group('{', '}') : Integer();
                var logArgument = logBase is null ? null : Power();
                return logArgument is null ? null : v => Math.Log(logArgument(v)) / Math.Log(logBase!(v));
        }

        if (Functions.TryGetValue(name, out var function))
        {
            var argument = Power();
            return argument is null ? null : v => function(argument(v));
        }

        if (Greek.Contains(name))
        {
            return Variable("\\" + name);
        }

        _at = start;
        return null;
    }

    private Evaluator? NumberOrMixedFraction()
    {
        var start = _at;
        while (_at < _text.Length && (char.IsAsciiDigit(_text[_at]) || _text[_at] == '.'))
        {
            _at++;
        }

        if (!double.TryParse(_text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        if (number == Math.Floor(number) && !_text.AsSpan(start, _at - start).Contains('.') && TryMixedFraction(out var fraction))
        {
            return _ => number + fraction;
        }

        return _ => number;
    }

    // "2\frac{1}{4}" is two and a quarter when both fraction arguments are plain integers.
    private bool TryMixedFraction(out double fraction)
    {
        fraction = 0;
        const string Prefix = "\\frac{";
        if (!_text.AsSpan(_at).StartsWith(Prefix))
        {
            return false;
        }

        var numeratorEnd = LatexGroups.EndOfGroup(_text, _at + Prefix.Length - 1);
        if (numeratorEnd < 0 || numeratorEnd >= _text.Length || _text[numeratorEnd] != '{')
        {
            return false;
        }

        var denominatorEnd = LatexGroups.EndOfGroup(_text, numeratorEnd);
        var numerator = _text[(_at + Prefix.Length)..(numeratorEnd - 1)];
        var denominator = denominatorEnd < 0 ? string.Empty : _text[(numeratorEnd + 1)..(denominatorEnd - 1)];
        if (!int.TryParse(numerator, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !int.TryParse(denominator, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d == 0)
        {
            return false;
        }

        fraction = (double)n / d;
        _at = denominatorEnd;
        return true;
    }

    private Evaluator Variable(string name)
    {
        // Subscripts belong to the name: x_1, a_{10}.
        if (Accept('_'))
        {
            var start = _at;
            if (Peek() == '{')
            {
                var end = LatexGroups.EndOfGroup(_text, _at);
                _at = end < 0 ? _text.Length : end;
            }
            else if (_at < _text.Length)
            {
                _at++;
            }

            name += "_" + _text[start.._at];
        }

        _variables.Add(name);
        return v => v(name);
    }

    private Evaluator? Group(char open, char close)
    {
        if (!Accept(open))
        {
            return null;
        }

        var inner = Sum();
        SkipSpaces();
        return inner is not null && Accept(close) ? inner : null;
    }

    private Evaluator? BracedOrChar()
    {
        SkipSpaces();
        return Peek() switch
        {
            '{' => Group('{', '}'),
            { } c when char.IsAsciiDigit(c) => SingleDigit(),
            { } c when char.IsAsciiLetter(c) => Variable(_text[_at++].ToString()),
            _ => null,
        };
    }

    // An unbraced \frac or \sqrt argument is one character: \frac12 is a half.
    private Evaluator SingleDigit()
    {
        var digit = _text[_at++] - '0';
        return _ => digit;
    }

    // An unbraced exponent or log base: the whole digit run, so a plain-text 2^10 is 1024.
    private Evaluator? Integer()
    {
        var start = _at;
        while (_at < _text.Length && char.IsAsciiDigit(_text[_at]))
        {
            _at++;
        }

        if (_at == start)
        {
            return null;
        }

        var value = double.Parse(_text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture);
        return _ => value;
    }

    private bool StartsPrimary()
    {
        var c = Peek();
        if (c is null)
        {
            return false;
        }

        if (char.IsAsciiDigit(c.Value) || char.IsAsciiLetter(c.Value) || c is '(' or '{')
        {
            return true;
        }

        if (c != '\\')
        {
            return false;
        }

        var end = _at + 1;
        while (end < _text.Length && char.IsAsciiLetter(_text[end]))
        {
            end++;
        }

        var name = _text[(_at + 1)..end];
        return name is "frac" or "sqrt" or "pi" || Functions.ContainsKey(name) || Greek.Contains(name);
    }

    private string ReadLetters()
    {
        var start = _at;
        while (_at < _text.Length && char.IsAsciiLetter(_text[_at]))
        {
            _at++;
        }

        return _text[start.._at];
    }

    private bool Accept(char c)
    {
        if (_at < _text.Length && _text[_at] == c)
        {
            _at++;
            return true;
        }

        return false;
    }

    private bool AcceptCommand(string name)
    {
        var token = "\\" + name;
        if (_text.AsSpan(_at).StartsWith(token) && (_at + token.Length == _text.Length || !char.IsAsciiLetter(_text[_at + token.Length])))
        {
            _at += token.Length;
            return true;
        }

        return false;
    }

    private char? Peek() => _at < _text.Length ? _text[_at] : null;

    private void SkipSpaces()
    {
        while (_at < _text.Length && _text[_at] == ' ')
        {
            _at++;
        }
    }

    private static double Root(double radicand, double degree) =>
        radicand < 0 && degree % 2 == 1 ? -Math.Pow(-radicand, 1 / degree) : Math.Pow(radicand, 1 / degree);

    private static double Factorial(double n)
    {
        if (n < 0 || n > 170 || n != Math.Floor(n))
        {
            return double.NaN;
        }

        var product = 1.0;
        for (var k = 2; k <= n; k++)
        {
            product *= k;
        }

        return product;
    }
}
