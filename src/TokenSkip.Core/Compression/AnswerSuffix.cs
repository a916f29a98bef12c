using TokenSkip.Core.Prompts;

namespace TokenSkip.Core.Compression;

/// <summary>
/// Finds TokenSkip's answer suffix, <c>"\n\nThe final answer is: $\boxed{N}$"</c>, which compression must leave intact.
/// </summary>
/// <remarks>
/// The suffix starts at the first occurrence of <see cref="Marker"/> (the text TokenSkip splits LLaMA outputs on:
/// <see cref="TokenSkipPromptBuilder.FinalAnswerLead"/> without its trailing space) and runs to the end of the text,
/// whatever follows the marker. The first occurrence is used so that a repeated answer line is never compressed.
/// Text without the marker has no suffix and is compressed whole (TokenSkip's Qwen data, for example, ends with a
/// plain <c>\boxed{}</c> that LLMLingua-2 may prune).
/// </remarks>
public static class AnswerSuffix
{
    /// <summary>"\n\nThe final answer is:".</summary>
    public static string Marker { get; } = TokenSkipPromptBuilder.FinalAnswerLead.TrimEnd(' ');

    /// <summary>Splits <paramref name="text"/> into the part to compress and the protected suffix (empty when absent).</summary>
    public static (string Body, string Suffix) Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = text.IndexOf(Marker, StringComparison.Ordinal);
        return index < 0 ? (text, string.Empty) : (text[..index], text[index..]);
    }
}
