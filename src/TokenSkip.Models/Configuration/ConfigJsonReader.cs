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

    /// <summary>The names listed in <c>architectures</c> (empty when absent).</summary>
    protected string[] ArchitectureNames() =>
        Root.TryGetProperty("architectures", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(a => a.GetString() ?? string.Empty).ToArray()
            : [];

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

    protected double? OptionalDouble(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Fail($"{name} must be a number; got {v.GetRawText()}")
            : null;

    protected bool? OptionalBool(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null
            ? v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Fail($"{name} must be true or false; got {v.GetRawText()}")
            : null;

    protected string? OptionalString(string name) =>
        Root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    protected ModelFormatException Fail(string message) => new(path, message);
}
