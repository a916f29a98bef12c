using System.Text.RegularExpressions;
using TokenSkip.Core;
using TokenSkip.Core.Prompts;

namespace TokenSkip.Models.Training;

/// <summary>
/// Renders training records into prompt/completion text with the model family's templates, so a model is trained
/// on exactly the prompts it will be given. A TokenSkip Alpaca record (TokenSkip's instruction, input
/// <c>{question}&lt;|eot_id|&gt;{γ}&lt;|eot_id|&gt;</c>) gets <see cref="TokenSkipPromptBuilder.BuildPrompt(ModelFamily, string, CompressionRatio)"/>'s
/// prompt; other Alpaca records get a user turn of <c>instruction\ninput</c>; chat records are rendered up to their last
/// assistant turn, which is the completion. Completions end with the family's end-of-turn token.
/// </summary>
public static class SftSampleRenderer
{
    private static readonly Regex RatioSuffix = new(
        "^(?<question>[\\s\\S]*)" + Regex.Escape(TokenSkipPromptBuilder.RatioDelimiter) + "(?<ratio>[0-9.]+)" +
        Regex.Escape(TokenSkipPromptBuilder.RatioDelimiter) + "$", RegexOptions.CultureInvariant);

    /// <summary>Renders an Alpaca record (<c>instruction</c>, <c>input</c>, <c>output</c>).</summary>
    /// <exception cref="FormatException">A TokenSkip record carries a γ that is not a valid ratio.</exception>
    public static SftSample FromAlpaca(TokenSkipTrainingRecord record, ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(record);
        string prompt;
        if (record.Instruction == TokenSkipPromptBuilder.Instruction)
        {
            var match = RatioSuffix.Match(record.Input);
            var (question, ratio) = match.Success
                ? (match.Groups["question"].Value, CompressionRatio.Parse(match.Groups["ratio"].Value))
                : (record.Input, CompressionRatio.Uncompressed);
            prompt = TokenSkipPromptBuilder.BuildPrompt(family, question, ratio);
        }
        else
        {
            var user = string.IsNullOrEmpty(record.Input) ? record.Instruction : record.Instruction + "\n" + record.Input;
            prompt = ChatTemplates.For(family).Render([new PromptMessage(PromptMessage.UserRole, user)], addGenerationPrompt: true);
        }

        return new SftSample(prompt, record.Output + EndOfTurn(family));
    }

    /// <summary>Renders a conversation whose last message is the assistant's answer (the completion).</summary>
    /// <exception cref="ArgumentException">The conversation does not end with an assistant message, or has a role the template cannot express.</exception>
    public static SftSample FromMessages(IReadOnlyList<PromptMessage> messages, ModelFamily family)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count < 2 || messages[^1].Role != PromptMessage.AssistantRole)
        {
            throw new ArgumentException("messages must end with an assistant message (the completion) after at least one other message");
        }

        var prompt = ChatTemplates.For(family).Render(messages.Take(messages.Count - 1).ToList(), addGenerationPrompt: true);
        return new SftSample(prompt, messages[^1].Content + EndOfTurn(family));
    }

    /// <summary>The token that ends an assistant turn: <c>&lt;|im_end|&gt;</c> for Qwen2, <c>&lt;|eot_id|&gt;</c> for Llama 3.</summary>
    public static string EndOfTurn(ModelFamily family) => ChatTemplates.For(family).StopTokens[0];
}
