namespace TokenSkip.Core.Compression;

/// <summary>What the pruning rule needs to know about one word.</summary>
/// <param name="Form">The word as the scorer spells it (compared with force tokens when dropping consecutive repeats).</param>
/// <param name="Score">Importance score; higher is kept first.</param>
/// <param name="Weight">How many times the score counts in the percentile: the word's cl100k token count.</param>
/// <param name="Chunk">Words of one chunk share a threshold; chunk ids must not decrease along the text.</param>
public readonly record struct PruningWord(string Form, double Score, int Weight, int Chunk);
