namespace TokenSkip.Core.Compression;

/// <summary>One word of a scored text: where it is, how important the scorer found it, and how it is re-joined.</summary>
/// <param name="Form">
/// The word as the scorer spells it. Force tokens are matched against it and its cl100k token count is its
/// weight in the threshold. For LLMLingua-2 with XLM-RoBERTa this keeps SentencePiece's leading "▁"
/// (e.g. "▁Step"), exactly as the reference counts it; for other scorers it is the source text of the word.
/// </param>
/// <param name="Span">Where the word lies in the scored text.</param>
/// <param name="Score">Importance: higher means more worth keeping (a keep probability, or self-information in nats).</param>
/// <param name="Chunk">Index of the chunk the word was scored in; the threshold is computed per chunk.</param>
/// <param name="SpaceBefore">Whether a kept word is separated from the previous kept word by one space.</param>
public sealed record ScoredWord(string Form, TextSpan Span, double Score, int Chunk, bool SpaceBefore);
