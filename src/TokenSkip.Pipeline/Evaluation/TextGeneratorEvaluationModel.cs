using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Models.Inference;

namespace TokenSkip.Pipeline.Evaluation;

/// <summary>
/// <see cref="IEvaluationModel"/> over the local engine: greedy <see cref="TextGenerator.GenerateBatch"/>, stopping at
/// the family's end-of-turn tokens (and the checkpoint's EOS ids), counting tokens with the model's tokenizer.
/// </summary>
public sealed class TextGeneratorEvaluationModel : IEvaluationModel
{
    private readonly TextGenerator _generator;
    private readonly ITextTokenizer _tokenizer;
    private readonly IReadOnlyList<int> _stopIds;

    /// <summary>Wraps <paramref name="generator"/>, which must have a tokenizer and a Qwen2 or Llama checkpoint.</summary>
    /// <exception cref="ArgumentException">The generator has no tokenizer.</exception>
    /// <exception cref="NotSupportedException">The checkpoint's model_type has no TokenSkip prompt format.</exception>
    public TextGeneratorEvaluationModel(TextGenerator generator)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _tokenizer = generator.Tokenizer ?? throw new ArgumentException("evaluation needs the model's tokenizer (tokenizer.json in the model folder)", nameof(generator));
        Family = ModelFamilies.FromHuggingFaceName(generator.Model.Config.ModelType);
        _stopIds = TemplateStopTokens.Resolve(ChatTemplates.For(Family), _tokenizer);
    }

    /// <inheritdoc />
    public ModelFamily Family { get; }

    /// <inheritdoc />
    public int CountTokens(string text) => _tokenizer.Encode(text).Count;

    /// <inheritdoc />
    public IReadOnlyList<ModelCompletion> Complete(IReadOnlyList<string> prompts, int maxNewTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var options = new GenerationOptions { MaxNewTokens = maxNewTokens, StopTokenIds = _stopIds };
        var results = _generator.GenerateBatch(prompts.Select(_tokenizer.Encode).ToArray(), options, cancellationToken: cancellationToken);
        return results.Select(r => new ModelCompletion(r.Text ?? string.Empty, r.Usage.CompletionTokens, r.FinishReason)).ToArray();
    }
}
