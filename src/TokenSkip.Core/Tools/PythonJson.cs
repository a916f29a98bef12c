using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TokenSkip.Core.Tools;

/// <summary>
/// Writes JSON exactly as Python's <c>json.dumps(json.loads(text), ensure_ascii=False)</c> does, which is what Hugging
/// Face chat templates print with <c>tojson</c>: separators <c>", "</c> and <c>": "</c> (with an indent: <c>","</c>,
/// newlines and <c>": "</c>), keys in their given order (a repeated key keeps its first place and its last value),
/// non-ASCII kept, only <c>"</c>, <c>\</c> and control characters escaped (<c>\n</c>, <c>\r</c>, <c>\t</c>,
/// <c>\b</c>, <c>\f</c>, else <c>\u00xx</c>), integers as written, other numbers as Python's <c>repr(float)</c>.
/// </summary>
public static class PythonJson
{
    /// <summary>Re-writes the JSON value <paramref name="json"/> as <c>json.dumps</c> would print it.</summary>
    /// <param name="json">One JSON value.</param>
    /// <param name="indent">Python's <c>indent</c>: null for one line, else spaces per level.</param>
    /// <exception cref="JsonException"><paramref name="json"/> is not one valid JSON value.</exception>
    public static string Dumps(string json, int? indent = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        return Dumps(document.RootElement, indent);
    }

    /// <summary>Writes <paramref name="element"/> as <c>json.dumps</c> would print it.</summary>
    /// <param name="element">The value to write.</param>
    /// <param name="indent">Python's <c>indent</c>: null for one line, else spaces per level.</param>
    public static string Dumps(JsonElement element, int? indent = null)
    {
        if (indent is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(indent), indent, "indent must not be negative.");
        }

        var text = new StringBuilder();
        Write(text, element, indent, 0);
        return text.ToString();
    }

    /// <summary><c>json.dumps(value, ensure_ascii=False)</c> of a string: quoted and escaped as Python does.</summary>
    public static string DumpsString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length + 2);
        WriteString(text, value);
        return text.ToString();
    }

    /// <summary>True when <paramref name="json"/> is one valid JSON object (<c>{...}</c>).</summary>
    public static bool IsObject(string? json)
    {
        if (json is null)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Write(StringBuilder text, JsonElement element, int? indent, int level)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(text, element, indent, level);
                break;
            case JsonValueKind.Array:
                WriteArray(text, element, indent, level);
                break;
            case JsonValueKind.String:
                WriteString(text, element.GetString()!);
                break;
            case JsonValueKind.Number:
                text.Append(FormatNumber(element.GetRawText()));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new ArgumentException($"cannot write a JSON value of kind {element.ValueKind}.", nameof(element));
        }
    }

    private static void WriteObject(StringBuilder text, JsonElement element, int? indent, int level)
    {
        // A Python dict: a repeated key keeps its first position and takes the last value.
        var keys = new List<string>();
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!values.ContainsKey(property.Name))
            {
                keys.Add(property.Name);
            }

            values[property.Name] = property.Value;
        }

        if (keys.Count == 0)
        {
            text.Append("{}");
            return;
        }

        text.Append('{');
        for (var i = 0; i < keys.Count; i++)
        {
            Separate(text, indent, level + 1, first: i == 0);
            WriteString(text, keys[i]);
            text.Append(": ");
            Write(text, values[keys[i]], indent, level + 1);
        }

        Close(text, indent, level);
        text.Append('}');
    }

    private static void WriteArray(StringBuilder text, JsonElement element, int? indent, int level)
    {
        if (element.GetArrayLength() == 0)
        {
            text.Append("[]");
            return;
        }

        text.Append('[');
        var first = true;
        foreach (var item in element.EnumerateArray())
        {
            Separate(text, indent, level + 1, first);
            Write(text, item, indent, level + 1);
            first = false;
        }

        Close(text, indent, level);
        text.Append(']');
    }

    private static void Separate(StringBuilder text, int? indent, int level, bool first)
    {
        if (indent is { } spaces)
        {
            text.Append(first ? "\n" : ",\n").Append(' ', spaces * level);
        }
        else if (!first)
        {
            text.Append(", ");
        }
    }

    private static void Close(StringBuilder text, int? indent, int level)
    {
        if (indent is { } spaces)
        {
            text.Append('\n').Append(' ', spaces * level);
        }
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        text.Append('"');
    }

    /// <summary>A JSON number as Python prints it after <c>json.loads</c>: an int unchanged, a float as <c>repr</c>.</summary>
    private static string FormatNumber(string raw)
    {
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            return raw == "-0" ? "0" : raw;
        }

        return FloatRepr(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>Python's <c>repr(float)</c> (and <c>json.dumps</c>' Infinity/NaN): shortest round-trip digits, fixed notation for decimal exponents -4..15, else <c>1e+16</c> style.</summary>
    internal static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        var sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : string.Empty;
        if (value == 0)
        {
            return sign + "0.0";
        }

        // Shortest round-trip digits and the decimal point's place: value = 0.d1d2d3… × 10^point.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOf('E', StringComparison.Ordinal);
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest.AsSpan(exponentAt + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leadingZeros;

        var text = new StringBuilder(sign);
        if (point is > -4 and <= 16)
        {
            if (point <= 0)
            {
                text.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                text.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            var power = point - 1;
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(power < 0 ? '-' : '+').Append(Math.Abs(power).ToString("00", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }
}
