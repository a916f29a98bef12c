using System.Text.Json;

namespace TokenSkip.Models.Tokenization;

/// <summary>Reads the JSON files of a tokenizer, turning parse errors into <see cref="TokenizerFormatException"/>.</summary>
internal static class TokenizerJsonFile
{
    /// <summary>
    /// Returns the path of <paramref name="fileName"/> for <paramref name="path"/>, which is either a model folder
    /// holding it or the file itself.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist; the message names the path looked at.</exception>
    public static string Resolve(string path, string fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Path.GetFullPath(Directory.Exists(path) ? Path.Combine(path, fileName) : path);
        return File.Exists(file)
            ? file
            : throw new FileNotFoundException($"{fileName} not found at {file} (pass a model folder holding {fileName}, or the file itself).", file);
    }

    /// <summary>Parses <paramref name="path"/>, which must exist.</summary>
    /// <exception cref="TokenizerFormatException">The file is not valid JSON.</exception>
    public static JsonDocument Parse(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonDocument.Parse(stream);
        }
        catch (JsonException ex)
        {
            throw new TokenizerFormatException(path, string.Empty, $"is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Gets a property, treating an explicit JSON <c>null</c> like an absent one.</summary>
    public static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Reads an optional boolean, failing when it is present with another type.</summary>
    public static bool OptionalBool(string path, JsonElement element, string name, string field, bool fallback)
    {
        if (!TryGet(element, name, out var value))
        {
            return fallback;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new TokenizerFormatException(path, field, "must be true or false"),
        };
    }

    /// <summary>Reads an optional string, failing when it is present with another type.</summary>
    public static string? OptionalString(string path, JsonElement element, string name, string field)
    {
        if (!TryGet(element, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TokenizerFormatException(path, field, "must be a string");
    }
}
