using System.Text;
using System.Text.Json;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Tools;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>
/// Reads OpenAI-style chat files: a <c>messages</c> array (<c>role</c>, <c>content</c> as a string, null or text parts,
/// <c>tool_calls</c> with <c>function.arguments</c> as a JSON object string, <c>tool_call_id</c>, <c>name</c>) and a
/// <c>tools</c> array. Errors name the file and the field.
/// </summary>
internal static class ChatFile
{
    private static readonly string[] Roles = [PromptMessage.SystemRole, PromptMessage.UserRole, PromptMessage.AssistantRole, PromptMessage.ToolRole];

    /// <summary>
    /// The messages of <paramref name="path"/>: a JSON array of messages, or a request object with <c>messages</c>
    /// (and maybe <c>tools</c>, returned too).
    /// </summary>
    public static (IReadOnlyList<PromptMessage> Messages, IReadOnlyList<ToolDefinition>? Tools) ReadMessages(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        IReadOnlyList<ToolDefinition>? tools = null;
        var messages = root;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (!root.TryGetProperty("messages", out messages))
            {
                throw Error(path, "messages", "is missing (expected an array of messages, or an object with \"messages\")");
            }

            if (root.TryGetProperty("tools", out var toolList) && toolList.ValueKind != JsonValueKind.Null)
            {
                tools = ReadTools(path, toolList, "tools");
            }
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, "messages", "must be an array of messages");
        }

        var result = new List<PromptMessage>();
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            result.Add(ReadMessage(path, message, $"messages[{i++}]"));
        }

        return (result, tools);
    }

    /// <summary>The tools of <paramref name="path"/>: an OpenAI <c>tools</c> array, or an object with <c>tools</c>.</summary>
    public static IReadOnlyList<ToolDefinition> ReadTools(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("tools", out var tools))
        {
            return ReadTools(path, tools, "tools");
        }

        return ReadTools(path, root, "tools");
    }

    private static JsonDocument Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found");
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    private static IReadOnlyList<ToolDefinition> ReadTools(string path, JsonElement tools, string field)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, field, "must be an array of tools");
        }

        var result = new List<ToolDefinition>();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var at = $"{field}[{i++}]";
            if (tool.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, at, "must be an object");
            }

            if (tool.TryGetProperty("type", out var type) && type.GetString() is not "function")
            {
                throw Error(path, $"{at}.type", "must be \"function\"");
            }

            if (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"{at}.function", "must be an object");
            }

            var name = RequiredString(path, function, "name", $"{at}.function.name");
            var description = OptionalString(path, function, "description", $"{at}.function.description");
            string? parameters = null;
            if (function.TryGetProperty("parameters", out var schema) && schema.ValueKind != JsonValueKind.Null)
            {
                parameters = schema.ValueKind == JsonValueKind.Object
                    ? schema.GetRawText()
                    : throw Error(path, $"{at}.function.parameters", "must be a JSON object");
            }

            result.Add(new ToolDefinition(name, description, parameters));
        }

        return result;
    }

    private static PromptMessage ReadMessage(string path, JsonElement message, string at)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, at, "must be an object");
        }

        var role = RequiredString(path, message, "role", $"{at}.role");
        if (!Roles.Contains(role, StringComparer.Ordinal))
        {
            throw Error(path, $"{at}.role", $"'{role}' is not one of {string.Join(", ", Roles)}");
        }

        return new PromptMessage(role, ReadContent(path, message, $"{at}.content"))
        {
            ToolCalls = ReadToolCalls(path, message, at),
            ToolCallId = OptionalString(path, message, "tool_call_id", $"{at}.tool_call_id"),
            Name = OptionalString(path, message, "name", $"{at}.name"),
        };
    }

    private static string ReadContent(string path, JsonElement message, string at)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, at, "must be a string, null or an array of text parts");
        }

        // Text parts are joined with newlines, as the server (and vLLM) joins them.
        var text = new StringBuilder();
        var i = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partAt = $"{at}[{i++}]";
            if (part.ValueKind != JsonValueKind.Object
                || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "text"
                || !part.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
            {
                throw Error(path, partAt, "must be {\"type\": \"text\", \"text\": \"...\"}");
            }

            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(value.GetString());
        }

        return text.ToString();
    }

    private static IReadOnlyList<PromptToolCall>? ReadToolCalls(string path, JsonElement message, string at)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (calls.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, $"{at}.tool_calls", "must be an array");
        }

        var result = new List<PromptToolCall>();
        var i = 0;
        foreach (var call in calls.EnumerateArray())
        {
            var callAt = $"{at}.tool_calls[{i++}]";
            if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Error(path, $"{callAt}.function", "must be an object");
            }

            var name = RequiredString(path, function, "name", $"{callAt}.function.name");
            var arguments = function.TryGetProperty("arguments", out var value) ? value : default;
            var json = arguments.ValueKind switch
            {
                JsonValueKind.String => arguments.GetString()!,
                JsonValueKind.Object => arguments.GetRawText(),
                _ => throw Error(path, $"{callAt}.function.arguments", "must be a string holding a JSON object"),
            };
            if (!PythonJson.IsObject(json))
            {
                throw Error(path, $"{callAt}.function.arguments", "is not a JSON object");
            }

            result.Add(new PromptToolCall(OptionalString(path, call, "id", $"{callAt}.id"), name, json));
        }

        return result;
    }

    private static string RequiredString(string path, JsonElement parent, string property, string at) =>
        parent.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
            ? value.GetString()!
            : throw Error(path, at, "must be a non-empty string");

    private static string? OptionalString(string path, JsonElement parent, string property, string at)
    {
        if (!parent.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Error(path, at, "must be a string");
    }

    private static ArgumentException Error(string path, string field, string problem) => new($"{path}: {field} {problem}");
}
