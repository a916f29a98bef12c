using TokenSkip.Core;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.Cli.Infrastructure;

/// <summary>Applies a <see cref="PromptFormat"/>: renders the prompt and adds the template's end-of-turn tokens as stop ids.</summary>
internal static class PromptFormatter
{
    public static (string? Text, GenerationOptions Options) Apply(PromptFormat format, string? text, CompressionRatio? ratio,
        ModelFamily family, ITextTokenizer? tokenizer, GenerationOptions options)
    {
        if (format == PromptFormat.Raw || text is null || tokenizer is null)
        {
            return (text, options);
        }

        var template = ChatTemplates.For(family);
        var rendered = format == PromptFormat.TokenSkip
            ? TokenSkipPromptBuilder.BuildPrompt(family, text, ratio!.Value)
            : template.Render([new PromptMessage(PromptMessage.UserRole, text)], addGenerationPrompt: true);
        return (rendered, options with { StopTokenIds = [.. options.StopTokenIds, .. TemplateStopTokens.Resolve(template, tokenizer)] });
    }
}
