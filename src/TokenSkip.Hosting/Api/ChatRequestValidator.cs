using TokenSkip.Core;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Hosting.Api;

/// <summary>Checks a chat request's messages and TokenSkip fields (and, through <see cref="SamplingValidator"/>, the rest).</summary>
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
            turns.Add(new PromptMessage(role, message.Content ?? string.Empty));
        }

        CompressionRatio? ratio = null;
        if (request.CompressionRatio is { } gamma)
        {
            if (!double.IsFinite(gamma) || gamma < CompressionRatio.MinValue || gamma > CompressionRatio.MaxValue)
            {
                throw ApiException.BadRequest($"compression_ratio must be between 0.5 and 1.0; got {gamma}", "compression_ratio");
            }

            ratio = new CompressionRatio(gamma);
        }

        if (request.TokenBudget is < 1)
        {
            throw ApiException.BadRequest($"token_budget must be at least 1; got {request.TokenBudget}", "token_budget");
        }

        return new ChatPlan(request.Model, turns, ratio, request.TokenBudget, sampling);
    }
}
