namespace TokenSkip.Models.Tokenization;

/// <summary>Options of <see cref="BpeTokenizerTrainer"/>.</summary>
public sealed record BpeTrainingOptions
{
    /// <summary>Qwen2's pre-tokenizer split: single digits (good for arithmetic), words with a leading non-letter, punctuation runs, whitespace.</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Size of the BPE vocabulary (256 byte tokens plus merges), not counting special tokens. Default 1024.</summary>
    public int VocabularySize { get; init; } = 1024;

    /// <summary>Special tokens appended after the BPE vocabulary, in order. Default: Qwen2.5's three ChatML tokens.</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];

    /// <summary>The end-of-sequence token written to tokenizer_config.json.</summary>
    public string EosToken { get; init; } = "<|im_end|>";

    /// <summary>The pre-tokenizer regex written into tokenizer.json and used for training.</summary>
    public string PreTokenizerPattern { get; init; } = Qwen2Pattern;

    /// <summary>Merges of pairs seen fewer times than this are not learned (training stops early instead).</summary>
    public int MinPairFrequency { get; init; } = 2;
}
