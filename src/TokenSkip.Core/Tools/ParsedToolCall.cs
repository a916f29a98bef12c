namespace TokenSkip.Core.Tools;

/// <summary>A function call read from a model's output.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">
/// The arguments as one JSON object, written as Python's <c>json.dumps</c> does (as vLLM returns them in OpenAI's
/// <c>function.arguments</c>); rendering it back with the chat template gives the model's own text.
/// </param>
public sealed record ParsedToolCall(string Name, string ArgumentsJson)
{
    /// <summary>A fresh call id in OpenAI's form (<c>call_</c> and 24 hex digits), the same in every door.</summary>
    public static string NewId() => "call_" + Guid.NewGuid().ToString("N")[..24];
}
