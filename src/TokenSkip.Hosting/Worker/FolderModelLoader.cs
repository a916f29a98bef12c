using Microsoft.Extensions.Options;
using TokenSkip.Models;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Quantization;
using TokenSkip.Models.Runtime;

namespace TokenSkip.Hosting.Worker;

/// <summary>
/// Loads <see cref="TokenSkipServerOptions.Model"/> (the embedded default model when unset) through
/// <see cref="ModelBundle.Load"/>: on the configured device and precision, with <see cref="TokenSkipServerOptions.Adapter"/>
/// merged into it, and the TokenSkip card of the adapter or the model.
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

        return Directory.Exists(options.Model) || (File.Exists(options.Model) && options.Model.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            ? Path.GetFullPath(options.Model)
            : throw new DirectoryNotFoundException($"{TokenSkipServerOptions.SectionName}:Model: model folder or .gguf file '{options.Model}' not found");
    }

    /// <inheritdoc />
    public ModelBundle Load(CancellationToken cancellationToken) =>
        ModelBundle.Load(ResolveFolder(_options), new ModelBundleOptions
        {
            Load = new ModelLoadOptions
            {
                Device = ComputeDevice.Parse(_options.Device),
                DType = _options.DType is null ? null : ModelDType.Parse(_options.DType),
                Quantize = _options.Quantize is null ? null : QuantizationTypes.Parse(_options.Quantize),
            },
            AdapterFolder = _options.Adapter,
            Adapter = AdapterMode.Merge,
            ModelId = _options.ModelId,
        }, cancellationToken);
}
