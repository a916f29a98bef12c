using TokenSkip.Core.Compression;

namespace TokenSkip.Models.Compression;

/// <summary>A text with its words scored by an <see cref="IImportanceScorer"/>.</summary>
/// <param name="Text">The text that was scored; word spans index into it.</param>
/// <param name="Words">The words in text order, with their spans, scores and chunks.</param>
public sealed record ScoredText(string Text, IReadOnlyList<ScoredWord> Words);
