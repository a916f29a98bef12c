using TokenSkip.Core.Prompts;
using TokenSkip.Core.Tools;
using TokenSkip.Core.Turns;

namespace TokenSkip.Hosting.Api;

/// <summary>Checks a chat request's messages (and, through <see cref="SamplingValidator"/>, the shared fields).</summary>
internal static class ChatRequestValidator
{
    public static ChatPlan Validate(ChatCompletionRequest request, TokenSkipServerOptions server)
    {
        var sampling = SamplingValidator.Validate(request, server);
        if (request.Messages is not { Count: > 0 } messages)
        {
            throw ApiException.BadRequest("messages must be a non-empty array", "messages", "missing_required_parameter");
        }

        var turns = new List<PromptMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw ApiException.BadRequest($"messages[{i}] must be a message object", $"messages[{i}]");
            var role = message.Role switch
            {
                null => throw ApiException.BadRequest($"messages[{i}].role is required", $"messages[{i}].role", "missing_required_parameter"),
                "developer" => PromptMessage.SystemRole,
                PromptMessage.SystemRole or PromptMessage.UserRole or PromptMessage.AssistantRole or PromptMessage.ToolRole => message.Role,
                _ => throw ApiException.BadRequest(
                    $"messages[{i}].role '{message.Role}' is not one of system, developer, user, assistant, tool", $"messages[{i}].role"),
            };
            turns.Add(new PromptMessage(role, message.Content ?? string.Empty)
            {
                ToolCalls = ToolCalls(message.ToolCalls, i),
                ToolCallId = message.ToolCallId,
            });
        }

        // γ and the budget are checked by the turn policy, the one home of those rules.
        return new ChatPlan(request.Model, new TurnRequest
        {
            Messages = turns,
            CompressionRatio = request.CompressionRatio,
            TokenBudget = request.TokenBudget,
            BudgetSteps = request.TokenBudgetSteps ?? 1,
            Tools = Tools(request.Tools),
            ToolChoice = ToolChoice(request.ToolChoice),
            Sampling = sampling.Sampling,
        }, sampling);
    }

    private static PromptToolCall[]? ToolCalls(IReadOnlyList<ChatToolCall?>? calls, int message)
    {
        if (calls is not { Count: > 0 })
        {
            return null;
        }

        var result = new PromptToolCall[calls.Count];
        for (var j = 0; j < calls.Count; j++)
        {
            var field = $"messages[{message}].tool_calls[{j}]";
            var call = calls[j]?.Function ?? throw ApiException.BadRequest($"{field}.function is required", $"{field}.function");
            if (string.IsNullOrWhiteSpace(call.Name))
            {
                throw ApiException.BadRequest($"{field}.function.name is required", $"{field}.function.name");
            }

            var arguments = string.IsNullOrWhiteSpace(call.Arguments) ? "{}" : call.Arguments;
            if (!PythonJson.IsObject(arguments))
            {
                throw ApiException.BadRequest($"{field}.function.arguments must be a JSON object encoded as a string", $"{field}.function.arguments");
            }

            result[j] = new PromptToolCall(calls[j]!.Id, call.Name, arguments);
        }

        return result;
    }

    private static ToolDefinition[]? Tools(IReadOnlyList<ChatTool?>? tools)
    {
        if (tools is not { Count: > 0 })
        {
            return null;
        }

        var result = new ToolDefinition[tools.Count];
        for (var i = 0; i < tools.Count; i++)
        {
            var function = tools[i] is { Type: null or "function", Function: { } f } ? f
                : throw ApiException.BadRequest($"tools[{i}] must be {{\"type\": \"function\", \"function\": {{...}}}}", $"tools[{i}]");
            if (string.IsNullOrWhiteSpace(function.Name))
            {
                throw ApiException.BadRequest($"tools[{i}].function.name is required", $"tools[{i}].function.name");
            }

            if (function.Parameters is { ValueKind: not System.Text.Json.JsonValueKind.Object } parameters)
            {
                throw ApiException.BadRequest($"tools[{i}].function.parameters must be a JSON schema object; got {parameters.ValueKind}", $"tools[{i}].function.parameters");
            }

            result[i] = new ToolDefinition(function.Name, function.Description, function.Parameters?.GetRawText());
        }

        return result;
    }

    private static string? ToolChoice(System.Text.Json.JsonElement? choice) => choice switch
    {
        null or { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
        { ValueKind: System.Text.Json.JsonValueKind.String } text when text.GetString() is "auto" or "none" or "required" => text.GetString(),
        { ValueKind: System.Text.Json.JsonValueKind.Object } named
            when named.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var name)
                && name.ValueKind == System.Text.Json.JsonValueKind.String => name.GetString(),
        _ => throw ApiException.BadRequest("tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": ...}}", "tool_choice"),
    };
}
