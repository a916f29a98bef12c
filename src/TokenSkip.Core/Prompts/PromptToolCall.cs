namespace TokenSkip.Core.Prompts;

/// <summary>A function call an assistant turn made, as the chat templates render it.</summary>
/// <param name="Id">The call's id (OpenAI's <c>tool_calls[].id</c>); the Qwen2.5 and Llama 3.1 templates do not render it.</param>
/// <param name="Name">The function's name.</param>
/// <param name="ArgumentsJson">
/// The arguments as one JSON object (the text of OpenAI's <c>function.arguments</c>); templates print the parsed object
/// as Python's <c>json.dumps</c> does, as vLLM does after parsing the OpenAI string.
/// </param>
public sealed record PromptToolCall(string? Id, string Name, string ArgumentsJson);
