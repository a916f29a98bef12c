using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Configuration;

/// <summary>
/// Typed field access for one Hugging Face <c>config.json</c> object: every wrong or missing field fails with a
/// <see cref="ModelFormatException"/> that names the file and the field. Shared by the decoder and encoder readers.
/// </summary>
internal abstract class ConfigJsonReader(string path, JsonElement root)
{
    /// <summary>The parsed file.</summary>
    protected JsonElement Root { get; } = root;

    /// <summary>The names listed in <c>architectures</c> (empty when absent or null); anything but a list of strings fails.</summary>
    protected string[] ArchitectureNames()
    {
        if (!Root.TryGetProperty("architectures", out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return list.ValueKind == JsonValueKind.Array && list.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String)
            ? list.EnumerateArray().Select(a => a.GetString()!).ToArray()
            : throw Fail($"architectures must be a list of strings; got {list.GetRawText()}");
    }

    protected void RequireObject()
    {
        if (Root.ValueKind != JsonValueKind.Object)
        {
            throw Fail("the file must hold a JSON object");
        }
    }

    protected int PositiveInt(string name) =>
        OptionalInt(name) is { } value
            ? value > 0 ? value : throw Fail($"{name} must be positive; got {value}")
            : throw Fail($"missing required field '{name}'");

    protected int? OptionalInt(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw Fail($"{name} must be an integer; got {v.GetRawText()}")
            : null;

    /// <summary>An optional integer that must be positive when given (a size or a length).</summary>
    protected int? OptionalPositiveInt(string name) =>
        OptionalInt(name) is { } value ? value > 0 ? value : throw Fail($"{name} must be positive; got {value}") : null;

    protected double? OptionalDouble(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
                ? d
                : throw Fail($"{name} must be a finite number; got {v.GetRawText()}")
            : null;

    /// <summary>
    /// An optional number that must be positive when given: an epsilon or a base that is 0 or negative loads without
    /// complaint and then generates garbage (or NaN), so it is refused here.
    /// </summary>
    protected double? OptionalPositiveDouble(string name) =>
        OptionalDouble(name) is { } value ? value > 0 ? value : throw Fail($"{name} must be a positive number; got {value}") : null;

    protected bool? OptionalBool(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Fail($"{name} must be true or false; got {v.GetRawText()}")
            : null;

    protected string? OptionalString(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Fail($"{name} must be a string; got {v.GetRawText()}")
            : null;

    protected ModelFormatException Fail(string message) => new(path, message);
}
