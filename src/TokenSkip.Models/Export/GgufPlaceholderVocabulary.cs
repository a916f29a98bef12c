namespace TokenSkip.Models.Export;

/// <summary>
/// A stand-in tokenizer for GGUF files written for speed and parity measurements, where token ids go straight into
/// the model: llama.cpp refuses a model without <c>tokenizer.ggml.*</c>, so this writes a gpt2-type (byte-level BPE)
/// vocabulary of the model's size with no merges: ids 0–255 are the 256 byte symbols (so any text still tokenizes, one
/// byte per token), end-of-sequence ids are control tokens named as llama.cpp's end-of-generation tokens
/// (<c>&lt;|endoftext|&gt;</c>, <c>&lt;|im_end|&gt;</c>, then <c>&lt;|eos_N|&gt;</c>), and every other id is a
/// unique dummy <c>&lt;|tok_N|&gt;</c>. Text produced with it is meaningless; a real export must carry the real vocabulary.
/// </summary>
public static class GgufPlaceholderVocabulary
{
    // llama_token_type values from llama.cpp.
    private const int NormalToken = 1;
    private const int ControlToken = 3;

    /// <summary>Adds the tokenizer keys for <paramref name="size"/> tokens to <paramref name="writer"/>.</summary>
    /// <param name="writer">The file being written.</param>
    /// <param name="size">The vocabulary size (at least 256).</param>
    /// <param name="endOfSequenceIds">Ids that end generation; the first is also written as BOS (Qwen's convention).</param>
    public static void AddTo(GgufWriter writer, int size, IReadOnlyList<int> endOfSequenceIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 256);
        var symbols = ByteSymbols();
        var ends = endOfSequenceIds.Where(id => id >= 256 && id < size).Distinct().ToList();
        string[] endNames = ["<|endoftext|>", "<|im_end|>"];
        var tokens = new string[size];
        var types = new int[size];
        for (var id = 0; id < size; id++)
        {
            var end = ends.IndexOf(id);
            tokens[id] = id < 256 ? symbols[id] : end < 0 ? $"<|tok_{id}|>" : end < endNames.Length ? endNames[end] : $"<|eos_{id}|>";
            types[id] = end < 0 ? NormalToken : ControlToken;
        }

        writer.Add("tokenizer.ggml.model", GgufMetadataValue.Of("gpt2"))
            .Add("tokenizer.ggml.pre", GgufMetadataValue.Of("qwen2"))
            .Add("tokenizer.ggml.tokens", GgufMetadataValue.Of(tokens))
            .Add("tokenizer.ggml.token_type", GgufMetadataValue.Of(types))
            .Add("tokenizer.ggml.merges", GgufMetadataValue.Of(Array.Empty<string>()))
            .Add("tokenizer.ggml.add_bos_token", GgufMetadataValue.Of(false));
        if (ends.Count > 0)
        {
            writer.Add("tokenizer.ggml.eos_token_id", GgufMetadataValue.Of((uint)ends[0]))
                .Add("tokenizer.ggml.bos_token_id", GgufMetadataValue.Of((uint)ends[0]));
        }
    }

    // GPT-2's byte-level alphabet: printable Latin-1 bytes stand for themselves, the others for U+0100 onwards.
    private static string[] ByteSymbols()
    {
        var symbols = new string[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            symbols[b] = ((char)(printable ? b : next++)).ToString();
        }

        return symbols;
    }
}
