using System.Text.Json;
using TokenSkip.Models.Checkpoints;

namespace TokenSkip.Models.Lora;

/// <summary>Typed access to the fields of a JSON config object; every error names the file and the field.</summary>
internal sealed class ConfigFields(string file, JsonElement root)
{
    public ModelFormatException Error(string field, string message) => new(file, $"field '{field}' {message}");

    public string? String(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        _ => throw Error(field, "must be a string"),
    };

    public bool? Bool(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw Error(field, "must be true or false"),
    };

    public double? Number(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value => value.GetDouble(),
        _ => throw Error(field, "must be a number"),
    };

    public int? Int(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var i) => i,
        _ => throw Error(field, "must be an integer"),
    };

    /// <summary>A list of names (suffix match) or one regex string (full match).</summary>
    public LoraModuleSelector? Selector(string field)
    {
        switch (Get(field))
        {
            case null:
                return null;
            case { ValueKind: JsonValueKind.String } value:
                try
                {
                    return LoraModuleSelector.FromPattern(value.GetString()!);
                }
                catch (ArgumentException e)
                {
                    throw Error(field, e.Message.Replace(" (Parameter 'pattern')", string.Empty, StringComparison.Ordinal));
                }

            case { ValueKind: JsonValueKind.Array } value:
                var names = value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s
                    ? s
                    : throw Error(field, "must list non-empty module names")).ToArray();
                return LoraModuleSelector.FromNames(names);
            default:
                throw Error(field, "must be a list of module names or a regular expression string");
        }
    }

    public IReadOnlyList<string>? StringOrStrings(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } value => [value.GetString()!],
        { ValueKind: JsonValueKind.Array } value => value.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(field, "must list strings")).ToArray(),
        _ => throw Error(field, "must be a string or a list of strings"),
    };

    public IReadOnlyList<int>? IntOrInts(string field) => Get(field) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var i) => [i],
        { ValueKind: JsonValueKind.Array } value => value.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i) ? i : throw Error(field, "must list integers")).ToArray(),
        _ => throw Error(field, "must be an integer or a list of integers"),
    };

    public Dictionary<string, double> Map(string field) => Get(field) switch
    {
        null => [],
        { ValueKind: JsonValueKind.Object } value => value.EnumerateObject().ToDictionary(
            p => p.Name,
            p => p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble() : throw Error($"{field}.{p.Name}", "must be a number"),
            StringComparer.Ordinal),
        _ => throw Error(field, "must be an object"),
    };

    public void RequireAbsentOrFalse(string field, string why)
    {
        if (Get(field) is { ValueKind: not JsonValueKind.False })
        {
            throw Error(field, $"is set: {why}");
        }
    }

    public void RequireAbsentOrEmpty(string field, string why)
    {
        var value = Get(field);
        var empty = value is null
            || (value.Value.ValueKind == JsonValueKind.Array && value.Value.GetArrayLength() == 0)
            || (value.Value.ValueKind == JsonValueKind.Object && !value.Value.EnumerateObject().Any());
        if (!empty)
        {
            throw Error(field, $"is set: {why}");
        }
    }

    // Absent and null mean the same to PEFT.
    private JsonElement? Get(string field) =>
        root.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
