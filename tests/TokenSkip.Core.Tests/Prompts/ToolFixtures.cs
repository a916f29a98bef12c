using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Tests.Prompts;

/// <summary>Tools and the JSON the templates print for them, written out by hand from Python's json.dumps rules.</summary>
internal static class ToolFixtures
{
    public static readonly ToolDefinition Weather = new(
        "get_weather",
        "Get the weather in a city.",
        """{"type":"object","properties":{"city":{"type":"string","description":"City name, e.g. Z\u00fcrich"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}""");

    public static readonly ToolDefinition Now = new("now", "Current UTC time.", """{"type": "object", "properties": {}}""");

    /// <summary>Qwen's <c>tool | tojson</c> of <see cref="Weather"/>.</summary>
    public const string WeatherLine =
        """{"type": "function", "function": {"name": "get_weather", "description": "Get the weather in a city.", "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name, e.g. Zürich"}, "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}}""";

    /// <summary>Qwen's <c>tool | tojson</c> of <see cref="Now"/>.</summary>
    public const string NowLine =
        """{"type": "function", "function": {"name": "now", "description": "Current UTC time.", "parameters": {"type": "object", "properties": {}}}}""";

    /// <summary>Llama's <c>t | tojson(indent=4)</c> of <see cref="Weather"/>.</summary>
    public const string WeatherIndented = """
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Get the weather in a city.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "city": {
                            "type": "string",
                            "description": "City name, e.g. Zürich"
                        },
                        "unit": {
                            "type": "string",
                            "enum": [
                                "c",
                                "f"
                            ]
                        }
                    },
                    "required": [
                        "city"
                    ]
                }
            }
        }
        """;

    /// <summary>Llama's <c>t | tojson(indent=4)</c> of <see cref="Now"/>.</summary>
    public const string NowIndented = """
        {
            "type": "function",
            "function": {
                "name": "now",
                "description": "Current UTC time.",
                "parameters": {
                    "type": "object",
                    "properties": {}
                }
            }
        }
        """;

    public static PromptMessage Message(string role, string content) => new(role, content);

    public static PromptMessage Calls(string content, params (string Name, string Arguments)[] calls) =>
        new(PromptMessage.AssistantRole, content)
        {
            ToolCalls = [.. calls.Select((c, i) => new PromptToolCall($"call_{i}", c.Name, c.Arguments))],
        };

    public static PromptMessage Result(string content, string id = "call_0") => new(PromptMessage.ToolRole, content) { ToolCallId = id };
}
