using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Tokenization;

namespace TokenSkip.Models.Gguf;

/// <summary>
/// The tokenizer a GGUF file carries in <c>tokenizer.ggml.*</c>: a <c>gpt2</c> (byte-level BPE) model with its
/// <c>tokens</c> (ids in order), <c>merges</c> (by rank), <c>token_type</c> (control and user-defined tokens are matched
/// whole, control ones are special) and the <c>pre</c>-tokenizer's name, built as the <see cref="HfTokenizer"/> the
/// model's tokenizer.json would give.
/// </summary>
public static class GgufTokenizerReader
{
    // llama_token_type values.
    private const int ControlToken = 3;
    private const int UserDefinedToken = 4;
    private const int UnusedToken = 5;

    /// <summary>The file's tokenizer, or null when it has none (no <c>tokenizer.ggml.model</c>).</summary>
    /// <exception cref="ModelFormatException">A tokenizer model or pre-tokenizer this project does not reproduce, or malformed arrays; the message names the key.</exception>
    public static HfTokenizer? Read(GgufFile file)
    {
        var model = file.Get<string?>("tokenizer.ggml.model", null);
        if (model is null)
        {
            return null;
        }

        if (model != "gpt2")
        {
            throw new ModelFormatException(file.FilePath, $"tokenizer.ggml.model '{model}' is not supported (only 'gpt2', byte-level BPE)");
        }

        var preName = file.Get("tokenizer.ggml.pre", "default");
        var pre = GgufPreTokenizer.ForName(preName)
            ?? throw new ModelFormatException(file.FilePath, $"tokenizer.ggml.pre '{preName}' is not supported (supported: {GgufPreTokenizer.SupportedNames})");
        var tokens = file.Require<string[]>("tokenizer.ggml.tokens");
        var merges = file.Get("tokenizer.ggml.merges", Array.Empty<string>());
        var types = file.Get("tokenizer.ggml.token_type", Array.Empty<int>());
        if (types.Length != 0 && types.Length != tokens.Length)
        {
            throw new ModelFormatException(file.FilePath, $"tokenizer.ggml.token_type has {types.Length} entries for {tokens.Length} tokens");
        }

        var vocabulary = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        var added = new List<AddedToken>();
        // As in tokenizer.json, added tokens live apart from the BPE vocabulary, and padding ids are no tokens at all.
        for (var id = 0; id < tokens.Length; id++)
        {
            var type = types.Length > 0 ? types[id] : 1;
            if (type is ControlToken or UserDefinedToken)
            {
                added.Add(new AddedToken(id, tokens[id], IsSpecial: type == ControlToken, StripLeft: false, StripRight: false));
            }
            else if (type != UnusedToken && !vocabulary.TryAdd(tokens[id], id))
            {
                throw new ModelFormatException(file.FilePath, $"tokenizer.ggml.tokens holds '{tokens[id]}' twice (ids {vocabulary[tokens[id]]} and {id})");
            }
        }

        var (preTokenizer, normalizer) = pre.Build();
        var definition = new TokenizerDefinition(file.FilePath, vocabulary, merges, added, normalizer, preTokenizer, pre.IgnoreMerges);
        string? Token(string key) => file.GetInteger(key, -1) is var id and >= 0 && id < tokens.Length ? tokens[id] : null;
        var bos = file.Get("tokenizer.ggml.add_bos_token", false) ? Token("tokenizer.ggml.bos_token_id") : null;
        return HfTokenizer.Create(definition, bos, Token("tokenizer.ggml.eos_token_id"));
    }
}
