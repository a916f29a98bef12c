using TokenSkip.Core.Text;

namespace TokenSkip.Core.Prompts;

/// <summary>Resolves a chat template's end-of-turn tokens to ids of a tokenizer.</summary>
public static class TemplateStopTokens
{
    /// <summary>The ids of <paramref name="template"/>'s <see cref="IChatTemplate.StopTokens"/> that <paramref name="tokenizer"/> knows.</summary>
    public static IReadOnlyList<int> Resolve(IChatTemplate template, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return template.StopTokens
            .Select(t => tokenizer.TryGetTokenId(t, out var id) ? id : -1)
            .Where(id => id >= 0)
            .ToArray();
    }
}
