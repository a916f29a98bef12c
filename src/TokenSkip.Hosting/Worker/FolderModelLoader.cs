using Microsoft.Extensions.Options;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Prompts;
using TokenSkip.Models;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Lora;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Hosting.Worker;

/// <summary>
/// Loads <see cref="TokenSkipServerOptions.Model"/> (the embedded default model when unset) on the configured device,
/// merges <see cref="TokenSkipServerOptions.Adapter"/> into it, and reads the TokenSkip card of the adapter or the model.
/// </summary>
public sealed class FolderModelLoader : IModelLoader
{
    private readonly TokenSkipServerOptions _options;

    /// <summary>Creates a loader for the configured folders.</summary>
    public FolderModelLoader(IOptions<TokenSkipServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>The model folder the options name: <see cref="TokenSkipServerOptions.Model"/> or the embedded default model.</summary>
    /// <exception cref="DirectoryNotFoundException">Neither is present; the message names what to pass.</exception>
    public static string ResolveFolder(TokenSkipServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Model is null)
        {
            return DefaultModel.Require();
        }

        return Directory.Exists(options.Model)
            ? Path.GetFullPath(options.Model)
            : throw new DirectoryNotFoundException($"{TokenSkipServerOptions.SectionName}:Model: model folder '{options.Model}' not found");
    }

    /// <inheritdoc />
    public LoadedModel Load(CancellationToken cancellationToken)
    {
        var folder = ResolveFolder(_options);
        var tokenizer = TokenizerLoader.TryLoad(folder)
            ?? throw new ModelFormatException(folder, "no tokenizer.json (or vocab.json): the server needs a tokenizer to render chat prompts");
        var loadOptions = new ModelLoadOptions
        {
            Device = ComputeDevice.Parse(_options.Device),
            DType = _options.DType is null ? null : ModelDType.Parse(_options.DType),
        };
        cancellationToken.ThrowIfCancellationRequested();
        var model = CausalLanguageModel.Load(folder, loadOptions);
        try
        {
            var family = ModelFamilies.FromHuggingFaceName(model.Config.ModelType);
            if (_options.Adapter is { } adapterFolder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                LoraAdapter.Load(model, adapterFolder).MergeAndUnload();
            }

            var card = (_options.Adapter is null ? null : ModelCard.TryLoad(_options.Adapter)) ?? ModelCard.TryLoad(folder);
            var id = _options.ModelId ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
            return new LoadedModel(model, tokenizer, id, family, card);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
