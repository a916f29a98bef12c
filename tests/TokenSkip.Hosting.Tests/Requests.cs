using System.Text.Json.Nodes;
using TokenSkip.Core;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Hosting.Tests;

/// <summary>Request bodies and the in-process results they should produce.</summary>
internal static class Requests
{
    public const string Question = "Tom has 5 apples and buys 2 more. How many apples does he have now?";

    public static JsonObject Chat(string question = Question, int maxTokens = 16, bool stream = false) => new()
    {
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
        ["max_tokens"] = maxTokens,
        ["temperature"] = 0,
        ["stream"] = stream,
    };

    /// <summary>What the server should answer for a one-question chat: the family's template (or TokenSkip's prompt with γ), greedy.</summary>
    public static GenerationResult ExpectedChat(ServedModelFixture model, string question, int maxTokens, CompressionRatio? ratio = null,
        bool ignoreEos = false)
    {
        var messages = new[] { new PromptMessage(PromptMessage.UserRole, question) };
        var template = ChatTemplates.For(ModelFamily.Qwen2);
        var prompt = ratio is { } gamma
            ? TokenSkipPromptBuilder.BuildPrompt(ModelFamily.Qwen2, messages, gamma)
            : template.Render(messages, addGenerationPrompt: true);
        var stopIds = ignoreEos ? [] : template.StopTokens.Select(t => model.Tokenizer.TryGetTokenId(t, out var id) ? id : -1).Where(id => id >= 0).ToArray();
        return model.Generate(model.Tokenizer.Encode(prompt), new GenerationOptions
        {
            MaxNewTokens = maxTokens,
            StopTokenIds = stopIds,
            IgnoreEndOfSequence = ignoreEos,
        });
    }

    public static string FinishReason(GenerationResult result) => result.FinishReason == Core.Generation.FinishReason.Length ? "length" : "stop";
}
