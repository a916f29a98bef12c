using System.Globalization;
using System.Text.RegularExpressions;

namespace TokenSkip.Core.Answers;

/// <summary>A normalised answer that is a plain number, possibly a percentage ("12.5", "-3", "50%").</summary>
internal readonly partial record struct NumericAnswer(double Value, bool IsPercent)
{
    public static bool TryParse(string normalized, out NumericAnswer number)
    {
        number = default;
        var match = Number().Match(normalized);
        if (!match.Success)
        {
            return false;
        }

        var value = double.Parse(match.Groups["value"].Value.Replace(",", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
        number = new NumericAnswer(value, match.Groups["percent"].Success);
        return double.IsFinite(value);
    }

    /// <summary>
    /// Equal within <paramref name="tolerance"/>. A percentage also equals its fraction and its bare number
    /// ("50%" = 0.5 = 50); two unmarked numbers never scale (the reference scorer also accepts 18 for 0.18,
    /// which would mark wrong answers right).
    /// </summary>
    public bool Matches(NumericAnswer other, double tolerance)
    {
        if (IsPercent == other.IsPercent)
        {
            return Close(Value, other.Value, tolerance);
        }

        var (percent, plain) = IsPercent ? (this, other) : (other, this);
        return Close(percent.Value, plain.Value, tolerance) || Close(percent.Value / 100, plain.Value, tolerance);
    }

    public static bool Close(double a, double b, double tolerance) =>
        Math.Abs(a - b) <= Math.Max(tolerance, 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b)));

    [GeneratedRegex(@"^(?<value>[-+]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][-+]?\d+)?)(?<percent>%)?$")]
    private static partial Regex Number();
}
