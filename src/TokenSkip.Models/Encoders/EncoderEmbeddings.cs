using TokenSkip.Models.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace TokenSkip.Models.Encoders;

/// <summary>
/// <c>embeddings.*</c>: word + absolute position + token type (always type 0 here), then layer norm.
/// </summary>
internal sealed class EncoderEmbeddings : NamedModule
{
    private readonly EncoderConfig _config;

    public EncoderEmbeddings(EncoderConfig config, ScalarType dtype, Device device) : base(nameof(EncoderEmbeddings))
    {
        _config = config;
        Words = new EmbeddingTable(config.VocabularySize, config.HiddenSize, dtype, device);
        Positions = new EmbeddingTable(config.MaxPositions, config.HiddenSize, dtype, device);
        TokenTypes = new EmbeddingTable(config.TypeVocabularySize, config.HiddenSize, dtype, device);
        Norm = new LayerNorm(config.HiddenSize, config.LayerNormEpsilon, dtype, device);
        register_module("word_embeddings", Words);
        register_module("position_embeddings", Positions);
        register_module("token_type_embeddings", TokenTypes);
        register_module("LayerNorm", Norm);
    }

    public EmbeddingTable Words { get; }

    public EmbeddingTable Positions { get; }

    public EmbeddingTable TokenTypes { get; }

    public LayerNorm Norm { get; }

    /// <summary>
    /// Position ids for <paramref name="ids"/> [B, T]. XLM-RoBERTa counts non-padding tokens from <c>pad_token_id + 1</c>
    /// and gives padding the position <c>pad_token_id</c> (Hugging Face's <c>create_position_ids_from_input_ids</c>);
    /// BERT numbers every position from 0.
    /// </summary>
    public static Tensor PositionIds(Tensor ids, EncoderConfig config)
    {
        using var scope = NewDisposeScope();
        if (config.Architecture == EncoderArchitecture.Bert)
        {
            return arange(ids.shape[1], ScalarType.Int64, ids.device).unsqueeze(0).expand(ids.shape[0], -1).MoveToOuterDisposeScope();
        }

        var real = ids.ne(config.PadTokenId).to_type(ScalarType.Int64);
        return ((real.cumsum(1) * real) + config.PadTokenId).MoveToOuterDisposeScope();
    }

    public Tensor Forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var positions = PositionIds(ids, _config);
        var tokenType = TokenTypes.Weight.narrow(0, 0, 1);
        var sum = Words.Lookup(ids) + Positions.Lookup(positions) + tokenType;
        return Norm.Forward(sum).MoveToOuterDisposeScope();
    }
}
