using TokenSkip.Core.Prompts;
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
            turns.Add(new PromptMessage(role, message.Content ?? string.Empty));
        }

        // γ and the budget are checked by the turn policy, the one home of those rules.
        return new ChatPlan(request.Model, new TurnRequest
        {
            Messages = turns,
            CompressionRatio = request.CompressionRatio,
            TokenBudget = request.TokenBudget,
            BudgetSteps = request.TokenBudgetSteps ?? 1,
            Sampling = sampling.Sampling,
        }, sampling);
    }
}
