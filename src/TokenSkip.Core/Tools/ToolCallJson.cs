using System.Text.Json;

namespace TokenSkip.Core.Tools;

/// <summary>Reads one call object, <c>{"name": "…", "arguments": {…}}</c>, from the JSON a model wrote.</summary>
internal static class ToolCallJson
{
    /// <summary>
    /// True when <paramref name="element"/> is an object with a non-empty string <c>name</c> and an object under one of
    /// <paramref name="argumentKeys"/> (the first present counts).
    /// </summary>
    public static bool TryRead(JsonElement element, ReadOnlySpan<string> argumentKeys, out ParsedToolCall call)
    {
        call = null!;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("name", out var name)
            || name.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(name.GetString()))
        {
            return false;
        }

        foreach (var key in argumentKeys)
        {
            if (element.TryGetProperty(key, out var arguments))
            {
                if (arguments.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                call = new ParsedToolCall(name.GetString()!, PythonJson.Dumps(arguments));
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses <paramref name="text"/> as one call object.</summary>
    public static bool TryParse(string text, ReadOnlySpan<string> argumentKeys, out ParsedToolCall call)
    {
        call = null!;
        try
        {
            using var document = JsonDocument.Parse(text);
            return TryRead(document.RootElement, argumentKeys, out call);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
