using Microsoft.ML.Tokenizers;

namespace TokenSkip.Models.Compression;

/// <summary>
/// Counts tiktoken cl100k_base tokens (<c>tiktoken.encoding_for_model("gpt-3.5-turbo")</c>, the tokenizer LLMLingua-2
/// weights its threshold with). Thread-safe; the vocabulary is loaded once, on first use.
/// </summary>
public static class Cl100kTokenCounter
{
    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-3.5-turbo"));

    /// <summary>The number of cl100k tokens of <paramref name="text"/>.</summary>
    public static int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : Tokenizer.Value.CountTokens(text);
    }
}
