using System.Text;
using System.Text.Json;
using TokenSkip.Core.Text;
using TokenSkip.Core.Tools;

namespace TokenSkip.Core.Prompts;

/// <summary>
/// The JSON the chat templates print for tools and tool calls (Python's <c>tojson</c>), wrapped in
/// <see cref="MessageContent"/> marks: it comes from the request, so special-token text inside it stays plain text.
/// </summary>
internal static class ToolJson
{
    /// <summary>The tool object HF passes to a template, as <c>tojson</c> prints it, marked.</summary>
    public static string Definition(ToolDefinition tool, int index, int? indent)
    {
        if (tool is null || string.IsNullOrEmpty(tool.Name))
        {
            throw new ArgumentException($"tools[{index}].Name is empty.", "tools");
        }

        var json = new StringBuilder("{\"type\":\"function\",\"function\":{\"name\":").Append(JsonSerializer.Serialize(tool.Name));
        if (tool.Description is not null)
        {
            json.Append(",\"description\":").Append(JsonSerializer.Serialize(tool.Description));
        }

        if (tool.ParametersJson is not null)
        {
            if (!PythonJson.IsObject(tool.ParametersJson))
            {
                throw new ArgumentException($"tools[{index}].ParametersJson is not a JSON object.", "tools");
            }

            json.Append(",\"parameters\":").Append(tool.ParametersJson);
        }

        json.Append("}}");
        return MessageContent.Mark(PythonJson.Dumps(json.ToString(), indent));
    }

    /// <summary>A call's arguments as <c>tojson</c> prints the parsed object, marked.</summary>
    public static string Arguments(PromptToolCall call, int message, int index)
    {
        if (!PythonJson.IsObject(call.ArgumentsJson))
        {
            throw new ArgumentException($"messages[{message}].ToolCalls[{index}].ArgumentsJson is not a JSON object.", "messages");
        }

        return MessageContent.Mark(PythonJson.Dumps(call.ArgumentsJson));
    }

    /// <summary>A call's function name, marked.</summary>
    public static string Name(PromptToolCall call, int message, int index) =>
        string.IsNullOrEmpty(call.Name)
            ? throw new ArgumentException($"messages[{message}].ToolCalls[{index}].Name is empty.", "messages")
            : MessageContent.Mark(call.Name);

    /// <summary>True when <paramref name="tools"/> offers at least one tool.</summary>
    public static bool Any(IReadOnlyList<ToolDefinition>? tools) => tools is { Count: > 0 };
}
