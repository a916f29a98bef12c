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

    /// <summary>
    /// The γ the server uses for a request that names none: the card's default (1.0 unless it says) for a TokenSkip-trained
    /// model, null (the plain chat template) for a model without a card. Written out from the documented rule.
    /// </summary>
    public static CompressionRatio? DefaultRatio(ServedModelFixture model) =>
        Core.Calibration.ModelCard.TryLoad(model.Folder) is { } card ? new CompressionRatio(card.DefaultRatio ?? 1.0) : null;

    /// <summary>
    /// What the server should answer for a one-question chat, greedy: TokenSkip's prompt at <paramref name="ratio"/> (or the
    /// card's default γ), else the family's template.
    /// </summary>
    public static GenerationResult ExpectedChat(ServedModelFixture model, string question, int maxTokens, CompressionRatio? ratio = null,
        bool ignoreEos = false)
    {
        ratio ??= DefaultRatio(model);
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
