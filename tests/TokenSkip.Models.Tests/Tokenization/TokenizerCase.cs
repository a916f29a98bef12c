namespace TokenSkip.Models.Tests.Tokenization;

/// <summary>A reference string and the ids the reference tokenizer gives it.</summary>
public sealed record TokenizerCase(string Text, IReadOnlyList<int> Ids);
