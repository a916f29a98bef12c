using System.Globalization;

namespace TokenSkip.Core;

/// <summary>
/// TokenSkip's compression ratio γ: the fraction of chain-of-thought tokens the model is asked to keep.
/// Valid values lie in [0.5, 1.0]; 1.0 means "no compression" and is omitted from prompts.
/// </summary>
/// <remarks>
/// γ is written into prompts with the invariant culture and at most two decimals ("0.5", "0.75"), exactly as
/// TokenSkip's training data spells it, so a model trained on "0.6" sees "0.6" on every machine.
/// </remarks>
public readonly struct CompressionRatio : IEquatable<CompressionRatio>, IComparable<CompressionRatio>
{
    /// <summary>The smallest ratio TokenSkip models are trained for.</summary>
    public const double MinValue = 0.5;

    /// <summary>The largest ratio (no compression).</summary>
    public const double MaxValue = 1.0;

    /// <summary>No compression (γ = 1.0).</summary>
    public static CompressionRatio Uncompressed { get; } = new(1.0);

    /// <summary>The ratios TokenSkip trains on: 1.0, 0.9, 0.8, 0.7, 0.6, 0.5.</summary>
    public static IReadOnlyList<CompressionRatio> TrainingRatios { get; } =
        [new(1.0), new(0.9), new(0.8), new(0.7), new(0.6), new(0.5)];

    /// <summary>Creates a ratio; throws when <paramref name="value"/> is outside [0.5, 1.0] or not finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside [0.5, 1.0].</exception>
    public CompressionRatio(double value)
    {
        if (!double.IsFinite(value) || value < MinValue - 1e-9 || value > MaxValue + 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value,
                $"compression_ratio must be between {MinValue.ToString(CultureInfo.InvariantCulture)} and {MaxValue.ToString("0.0", CultureInfo.InvariantCulture)}; got {value.ToString(CultureInfo.InvariantCulture)}.");
        }

        _value = Math.Round(Math.Clamp(value, MinValue, MaxValue), 2);
    }

    // 0 only in default(CompressionRatio), which means "uncompressed".
    private readonly double _value;

    /// <summary>The ratio as a number in [0.5, 1.0], rounded to two decimals.</summary>
    public double Value => _value == 0 ? MaxValue : _value;

    /// <summary>True for γ = 1.0, where prompts carry no ratio.</summary>
    public bool IsUncompressed => Value >= MaxValue;

    /// <summary>Parses "0.6" (invariant culture); throws <see cref="FormatException"/> with the offending text.</summary>
    public static CompressionRatio Parse(string text)
    {
        if (!TryParse(text, out var ratio, out var error))
        {
            throw new FormatException(error);
        }

        return ratio;
    }

    /// <summary>Tries to parse a ratio written with the invariant culture.</summary>
    public static bool TryParse(string? text, out CompressionRatio ratio) => TryParse(text, out ratio, out _);

    private static bool TryParse(string? text, out CompressionRatio ratio, out string error)
    {
        ratio = Uncompressed;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            error = $"compression_ratio '{text}' is not a number (write it like 0.6).";
            return false;
        }

        if (!double.IsFinite(value) || value < MinValue - 1e-9 || value > MaxValue + 1e-9)
        {
            error = $"compression_ratio must be between 0.5 and 1.0; got {text}.";
            return false;
        }

        ratio = new CompressionRatio(value);
        error = string.Empty;
        return true;
    }

    /// <summary>The ratio as TokenSkip writes it into prompts: invariant culture, shortest form ("0.5", "1.0").</summary>
    public override string ToString() =>
        Value.ToString(Value == Math.Floor(Value) ? "0.0" : "0.0#", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool Equals(CompressionRatio other) => Value == other.Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CompressionRatio other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Compares ratios by value.</summary>
    public static bool operator ==(CompressionRatio left, CompressionRatio right) => left.Equals(right);

    /// <summary>Compares ratios by value.</summary>
    public static bool operator !=(CompressionRatio left, CompressionRatio right) => !left.Equals(right);

    /// <inheritdoc />
    public int CompareTo(CompressionRatio other) => Value.CompareTo(other.Value);

    /// <summary>Converts a double to a ratio (validating it).</summary>
    public static explicit operator CompressionRatio(double value) => new(value);

    /// <summary>The ratio's value.</summary>
    public static implicit operator double(CompressionRatio ratio) => ratio.Value;

    /// <summary>Orders ratios by value.</summary>
    public static bool operator <(CompressionRatio left, CompressionRatio right) => left.Value < right.Value;

    /// <summary>Orders ratios by value.</summary>
    public static bool operator >(CompressionRatio left, CompressionRatio right) => left.Value > right.Value;

    /// <summary>Orders ratios by value.</summary>
    public static bool operator <=(CompressionRatio left, CompressionRatio right) => left.Value <= right.Value;

    /// <summary>Orders ratios by value.</summary>
    public static bool operator >=(CompressionRatio left, CompressionRatio right) => left.Value >= right.Value;
}
