namespace TokenSkip.Models.Tokenization;

/// <summary>What tokenizer.json says, validated: the pieces <see cref="HfTokenizer"/> is built from.</summary>
/// <param name="FilePath">The tokenizer.json read.</param>
/// <param name="Vocabulary">model.vocab: byte-level token text to id.</param>
/// <param name="Merges">model.merges in rank order, each as "a b".</param>
/// <param name="AddedTokens">added_tokens, matched whole in the input.</param>
/// <param name="Normalizer">The normalizer.</param>
/// <param name="PreTokenizer">The split regexes.</param>
/// <param name="IgnoreMerges">model.ignore_merges: a pre-token that is itself a vocabulary entry is emitted whole.</param>
internal sealed record TokenizerDefinition(
    string FilePath,
    Dictionary<string, int> Vocabulary,
    IReadOnlyList<string> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    UnicodeNormalizer Normalizer,
    ByteLevelPreTokenizer PreTokenizer,
    bool IgnoreMerges);
