using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// The text form of tool calls for models without native tool calling: tools are listed as JSON in the system prompt,
/// and the model answers a call as <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c> (the tag
/// Qwen2.5 was trained with).
/// </summary>
internal static class ToolCallSyntax
{
    public const string Open = "<tool_call>";
    public const string Close = "</tool_call>";

    public static string Describe(IEnumerable<AIFunctionDeclaration> tools, bool required)
    {
        var text = new StringBuilder()
            .Append("# Tools\n\nThese functions are available. Each is described by one JSON line:\n");
        foreach (var tool in tools)
        {
            var line = new JsonObject
            {
                ["name"] = tool.Name,
                ["description"] = tool.Description,
                ["parameters"] = JsonNode.Parse(tool.JsonSchema.GetRawText()),
            };
            text.Append(line.ToJsonString()).Append('\n');
        }

        text.Append("\nTo call a function, answer with exactly\n")
            .Append(Open).Append("\n{\"name\": \"<function name>\", \"arguments\": {<arguments as JSON>}}\n").Append(Close)
            .Append("\nand nothing after it; the result comes back in the next message.");
        text.Append(required ? " You must call a function now." : " If no function is needed, answer directly.");
        return text.ToString();
    }

    public static string Render(FunctionCallContent call) =>
        Open + "\n" + new JsonObject
        {
            ["name"] = call.Name,
            ["arguments"] = JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>()),
        }.ToJsonString() + "\n" + Close;

    /// <summary>Splits a completion into the text before the first call and the calls it makes (unparseable calls are left as text).</summary>
    public static (string Text, List<FunctionCallContent> Calls) Parse(string completion)
    {
        var calls = new List<FunctionCallContent>();
        var start = completion.IndexOf(Open, StringComparison.Ordinal);
        if (start < 0)
        {
            return (completion, calls);
        }

        var position = start;
        while (position >= 0 && position < completion.Length)
        {
            var bodyStart = position + Open.Length;
            var end = completion.IndexOf(Close, bodyStart, StringComparison.Ordinal);
            var body = end < 0 ? completion[bodyStart..] : completion[bodyStart..end];
            if (TryParseCall(body, out var call))
            {
                calls.Add(call);
            }
            else
            {
                return (completion, []);
            }

            position = end < 0 ? -1 : completion.IndexOf(Open, end + Close.Length, StringComparison.Ordinal);
        }

        return (completion[..start].TrimEnd(), calls);
    }

    private static bool TryParseCall(string body, out FunctionCallContent call)
    {
        call = null!;
        try
        {
            if (JsonNode.Parse(body.Trim()) is not JsonObject json || json["name"]?.GetValue<string>() is not { Length: > 0 } name)
            {
                return false;
            }

            var arguments = new Dictionary<string, object?>();
            if (json["arguments"] is JsonObject args)
            {
                foreach (var (key, value) in args)
                {
                    arguments[key] = value is null ? null : JsonSerializer.Deserialize<JsonElement>(value.ToJsonString());
                }
            }

            call = new FunctionCallContent("call_" + Guid.NewGuid().ToString("N")[..12], name, arguments);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
