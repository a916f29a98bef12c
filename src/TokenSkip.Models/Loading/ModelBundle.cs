using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Configuration;
using TokenSkip.Models.Gguf;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Loading;

/// <summary>
/// A model ready to generate: weights, tokenizer, the id it goes by, its prompt family, its TokenSkip card and, when
/// one was applied unmerged, its LoRA adapter. <see cref="Load"/> is the one way a model folder is loaded for
/// inference, so every entry point (CLI, server, engines, pipeline, plugins) follows the same rules and reports the
/// same errors (<see cref="ModelFormatException"/> naming the file and field).
/// </summary>
/// <remarks>The bundle owns the model (and adapter): dispose it on the thread that ran the model.</remarks>
public sealed class ModelBundle : IDisposable
{
    private readonly ITextTokenizer? _tokenizer;

    /// <summary>
    /// Bundles a model already in memory with its tokenizer; the family follows the model's architecture
    /// (<see cref="ModelFamilyRule"/>). The bundle takes ownership of <paramref name="model"/>.
    /// </summary>
    /// <param name="model">The weights.</param>
    /// <param name="tokenizer">The tokenizer, or null for a model driven by token ids only.</param>
    /// <param name="modelId">The id; null uses the model's source folder name, else "model".</param>
    /// <param name="card">The TokenSkip card, if any.</param>
    public ModelBundle(CausalLanguageModel model, ITextTokenizer? tokenizer, string? modelId = null, ModelCard? card = null)
        : this(model, tokenizer, modelId ?? IdOf(model.SourceFolder), card, adapter: null, folder: model.SourceFolder)
    {
    }

    private ModelBundle(CausalLanguageModel model, ITextTokenizer? tokenizer, string modelId, ModelCard? card, LoraAdapter? adapter, string? folder)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        Model = model;
        _tokenizer = tokenizer;
        ModelId = modelId;
        Family = ModelFamilyRule.For(model.Config);
        Card = card;
        Adapter = adapter;
        Folder = folder;
        EndOfTurnTokenIds = tokenizer is null ? [] : TemplateStopTokens.Resolve(ChatTemplates.For(Family), tokenizer);
    }

    /// <summary>The weights.</summary>
    public CausalLanguageModel Model { get; }

    /// <summary>Whether the folder had a tokenizer.</summary>
    public bool HasTokenizer => _tokenizer is not null;

    /// <summary>The tokenizer (thread-safe: requests are tokenized on their own threads).</summary>
    /// <exception cref="ModelFormatException">The bundle has none (loaded with <see cref="ModelBundleOptions.RequireTokenizer"/> false).</exception>
    public ITextTokenizer Tokenizer => _tokenizer ?? throw MissingTokenizer(Folder ?? ModelId);

    /// <summary>The id the model goes by (the served model id).</summary>
    public string ModelId { get; }

    /// <summary>The chat template and TokenSkip prompt format to use.</summary>
    public ModelFamily Family { get; }

    /// <summary>The <c>tokenskip.json</c> of the adapter or, failing that, of the model (trained ratios, calibration), if any.</summary>
    public ModelCard? Card { get; }

    /// <summary>The adapter applied unmerged (<see cref="AdapterMode.Attach"/>), or null.</summary>
    public LoraAdapter? Adapter { get; }

    /// <summary>The full path of the model folder, or null for a model built in memory.</summary>
    public string? Folder { get; }

    /// <summary>The ids of the family's end-of-turn tokens in this tokenizer (empty without a tokenizer).</summary>
    public IReadOnlyList<int> EndOfTurnTokenIds { get; }

    /// <summary>
    /// Loads a Hugging Face model folder, or a <c>.gguf</c> file (weights memory-mapped, tokenizer from its metadata, see
    /// <see cref="GgufFile"/>): <c>config.json</c> (its architecture gives the family), the weights on the device
    /// and in the precision of <see cref="ModelBundleOptions.Load"/>, <c>tokenizer.json</c> (or <c>vocab.json</c>),
    /// <c>tokenskip.json</c>, and the adapter of <see cref="ModelBundleOptions.AdapterFolder"/>.
    /// </summary>
    /// <exception cref="ModelFormatException">
    /// A file is missing or invalid, or asks for something unsupported (an architecture other than Qwen2/Llama, a tokenizer
    /// feature, a card field); the message names the file and the field.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired before the weights or the adapter were loaded.</exception>
    public static ModelBundle Load(string folder, ModelBundleOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options ??= new ModelBundleOptions();
        if (GgufModelLoader.IsGgufPath(folder))
        {
            return LoadGguf(Path.GetFullPath(folder), options, cancellationToken);
        }

        if (!Directory.Exists(folder))
        {
            throw new ModelFormatException(folder, File.Exists(folder) ? "not a model folder nor a .gguf file" : "model folder not found");
        }

        var path = Path.GetFullPath(folder);
        TransformerConfig.Load(path); // config.json first: its errors (architecture included) come before any other
        var tokenizer = LoadTokenizer(path, options.RequireTokenizer);
        var adapterFolder = options.AdapterFolder is null ? null : Path.GetFullPath(options.AdapterFolder);
        var card = AdapterCard(adapterFolder) ?? LoadCard(path);
        cancellationToken.ThrowIfCancellationRequested();
        return Assemble(load => CausalLanguageModel.Load(path, load), tokenizer, card, adapterFolder, path, options, cancellationToken);
    }

    // A GGUF file carries its tokenizer in its metadata; the card can only come from an adapter.
    private static ModelBundle LoadGguf(string path, ModelBundleOptions options, CancellationToken cancellationToken)
    {
        ITextTokenizer? tokenizer;
        using (var file = GgufFile.Open(path))
        {
            GgufConfigReader.Read(file); // the architecture's errors come before any other
            tokenizer = GgufTokenizerReader.Read(file);
        }

        if (tokenizer is null && options.RequireTokenizer)
        {
            throw new ModelFormatException(path, "has no tokenizer (tokenizer.ggml.model): encoding prompts and decoding text needs one");
        }

        var adapterFolder = options.AdapterFolder is null ? null : Path.GetFullPath(options.AdapterFolder);
        cancellationToken.ThrowIfCancellationRequested();
        return Assemble(load => CausalLanguageModel.Load(path, load), tokenizer, AdapterCard(adapterFolder), adapterFolder, path, options, cancellationToken,
            Path.GetFileNameWithoutExtension(path));
    }

    // TokenSkip's released adapters carry no tokenskip.json: an adapter without one is taken as TokenSkip-trained with
    // the default card (γ 1.0 by default, instructions after the system prompt), so every door gives it its trained
    // prompt. A plain LoRA that is not TokenSkip's wants a card of its own or a plain base model.
    private static ModelCard? AdapterCard(string? adapterFolder) =>
        adapterFolder is null ? null
        : LoadCard(adapterFolder) ?? new ModelCard { Description = $"TokenSkip adapter {Path.GetFileName(adapterFolder)} (no {ModelCard.FileName}: default card)" };

    private static ModelBundle Assemble(Func<Runtime.ModelLoadOptions, CausalLanguageModel> loadModel, ITextTokenizer? tokenizer, ModelCard? card,
        string? adapterFolder, string path, ModelBundleOptions options, CancellationToken cancellationToken, string? defaultId = null)
    {
        // A merged adapter is folded into the float weights before they are quantized.
        var quantizeAfterMerge = adapterFolder is not null && options.Adapter == AdapterMode.Merge ? options.Load.Quantize : null;
        var model = loadModel(quantizeAfterMerge is null ? options.Load : options.Load with { Quantize = null });
        LoraAdapter? attached = null;
        try
        {
            if (adapterFolder is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var adapter = LoraAdapter.Load(model, adapterFolder);
                if (options.Adapter == AdapterMode.Merge)
                {
                    adapter.MergeAndUnload();
                }
                else
                {
                    attached = adapter;
                }
            }

            if (quantizeAfterMerge is { } quantization)
            {
                model.Quantize(quantization);
            }

            return new ModelBundle(model, tokenizer, options.ModelId ?? defaultId ?? IdOf(path), card, attached, path);
        }
        catch
        {
            attached?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads only the tokenizer of a model folder, with the bundle's errors: for stages that count or encode text in the
    /// target model's tokens without running it.
    /// </summary>
    /// <exception cref="ModelFormatException">The folder has no tokenizer, or its tokenizer file is invalid.</exception>
    public static ITextTokenizer LoadTokenizer(string folder) => LoadTokenizer(folder, required: true)!;

    /// <summary>What callers of the engine abstraction need to know, for a context of <paramref name="contextLength"/> tokens.</summary>
    public EngineInfo InfoFor(int contextLength) =>
        new(ModelId, Family, contextLength) { Card = Card, EndOfTurnTokenIds = EndOfTurnTokenIds };

    /// <summary>Releases the adapter and the model.</summary>
    public void Dispose()
    {
        Adapter?.Dispose();
        Model.Dispose();
    }

    private static ITextTokenizer? LoadTokenizer(string folder, bool required)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ITextTokenizer? tokenizer;
        try
        {
            tokenizer = TokenizerLoader.TryLoad(folder);
        }
        catch (TokenizerFormatException e)
        {
            // The tokenizer's message already names the file and field ("tokenizer.json: model.vocab is missing").
            var name = Path.GetFileName(e.FilePath) + ": ";
            throw new ModelFormatException(e.FilePath, e.Message.StartsWith(name, StringComparison.Ordinal) ? e.Message[name.Length..] : e.Message, e);
        }

        return tokenizer is null && required ? throw MissingTokenizer(folder) : tokenizer;
    }

    private static ModelCard? LoadCard(string folder)
    {
        try
        {
            return ModelCard.TryLoad(folder);
        }
        catch (FormatException e)
        {
            // ModelCard names the file and the JSON path of the field ("$.calibration[0].gamma").
            var path = Path.Combine(folder, ModelCard.FileName);
            var message = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new ModelFormatException(path, message, e);
        }
    }

    private static ModelFormatException MissingTokenizer(string folder) =>
        new(Path.Combine(folder, HfTokenizer.FileName), $"not found (nor {PieceVocabularyTokenizer.FileName}): encoding prompts and decoding text needs the model's tokenizer");

    private static string IdOf(string? folder) =>
        folder is null ? "model" : Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
}
