namespace TokenSkip.Core.Prompts;

/// <summary>
/// A function offered to the model. Templates print it as the OpenAI tool object Hugging Face passes to a chat template:
/// <c>{"type": "function", "function": {"name": …, "description": …, "parameters": …}}</c>, keys in that order, a null
/// description or parameters left out.
/// </summary>
/// <param name="Name">The function's name.</param>
/// <param name="Description">What it does, or null.</param>
/// <param name="ParametersJson">Its parameters' JSON schema as one JSON object (keys keep their order), or null.</param>
public sealed record ToolDefinition(string Name, string? Description, string? ParametersJson);
