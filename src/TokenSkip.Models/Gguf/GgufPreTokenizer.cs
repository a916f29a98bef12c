using System.Text;
using System.Text.RegularExpressions;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Models.Gguf;

/// <summary>
/// The byte-level BPE pre-tokenizers GGUF names in <c>tokenizer.ggml.pre</c> that this project reproduces: the split
/// regex, the Unicode normalizer and whether a pre-token in the vocabulary skips the merges, as the Hugging Face
/// tokenizer.json of those models says.
/// </summary>
internal sealed record GgufPreTokenizer(string Name, string Pattern, bool Nfc, bool IgnoreMerges)
{
    /// <summary>Qwen2's split: single digits.</summary>
    public static GgufPreTokenizer Qwen2 { get; } = new("qwen2",
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+", Nfc: true, IgnoreMerges: false);

    /// <summary>Llama 3's split: up to three digits; its tokenizer.json sets <c>ignore_merges</c>.</summary>
    public static GgufPreTokenizer Llama3 { get; } = new("llama-bpe",
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+", Nfc: false, IgnoreMerges: true);

    /// <summary>GPT-2's split.</summary>
    public static GgufPreTokenizer Gpt2 { get; } = new("gpt2", ByteLevelPreTokenizer.Gpt2Pattern, Nfc: false, IgnoreMerges: false);

    /// <summary>The names <see cref="ForName"/> accepts.</summary>
    public const string SupportedNames = "qwen2, llama-bpe (llama3), gpt2 (default)";

    private static readonly GgufPreTokenizer[] All = [Qwen2, Llama3, Gpt2];

    /// <summary>The pre-tokenizer GGUF calls <paramref name="name"/>, or null.</summary>
    public static GgufPreTokenizer? ForName(string name) => name switch
    {
        "qwen2" => Qwen2,
        "llama-bpe" or "llama3" => Llama3,
        "gpt2" or "default" => Gpt2,
        _ => null,
    };

    /// <summary>The named pre-tokenizer a tokenizer.json definition amounts to, or null.</summary>
    public static GgufPreTokenizer? Matching(TokenizerDefinition definition) =>
        All.FirstOrDefault(p => definition.PreTokenizer.Patterns.Select(r => r.ToString()).SequenceEqual([p.Pattern])
            && definition.Normalizer.Forms.SequenceEqual(p.Nfc ? [NormalizationForm.FormC] : []));

    /// <summary>The pre-tokenizer and normalizer objects.</summary>
    public (ByteLevelPreTokenizer PreTokenizer, UnicodeNormalizer Normalizer) Build() =>
        (new ByteLevelPreTokenizer([new Regex(Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant)]),
            Nfc ? new UnicodeNormalizer([NormalizationForm.FormC]) : UnicodeNormalizer.None);
}
