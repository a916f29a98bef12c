using TokenSkip.Core.Generation;
using TokenSkip.Core.Text;
using TokenSkip.Models;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.TestSupport;

using TokenSkip.TestSupport.Models;

namespace TokenSkip.Hosting.Tests;

/// <summary>
/// The model the server tests serve, and an in-process copy of it to compare against. The folder is
/// <c>TOKENSKIP_HOSTING_TEST_MODEL</c> when set, else the embedded default model once it exists, else a tiny random
/// model written here; so the tests move to the embedded model by themselves.
/// </summary>
public sealed class ServedModelFixture : IDisposable
{
    private readonly TempFolder? _temp;
    private readonly ModelBundle _reference;
    private readonly Lock _referenceLock = new();

    public ServedModelFixture()
    {
        // One intra-op thread: tiny models decode far faster without OpenMP threads spinning on a shared CPU.
        TorchSharp.torch.set_num_threads(1);
        var configured = Environment.GetEnvironmentVariable("TOKENSKIP_HOSTING_TEST_MODEL");
        var folder = configured switch
        {
            null or "" => DefaultModel.Find(),
            "tiny" => null,
            _ => configured,
        };
        if (folder is null)
        {
            _temp = new TempFolder();
            folder = TinyQwen.Write(_temp.Combine("tiny-qwen"), maxPositions: 1024);
        }

        Folder = folder;
        ModelId = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        _reference = ModelBundle.Load(folder);
        Tokenizer = _reference.Tokenizer;
    }

    /// <summary>The served model folder.</summary>
    public string Folder { get; }

    /// <summary>The id the server serves it under (the folder's name).</summary>
    public string ModelId { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>What the served model's card says about tool calling (null: no card, or it does not say).</summary>
    public bool? CallsTools => Core.Calibration.ModelCard.TryLoad(Folder)?.CallsTools;

    /// <summary>The in-process reference: what <see cref="TextGenerator"/> produces for a prompt on its own.</summary>
    public GenerationResult Generate(IReadOnlyList<int> promptIds, GenerationOptions options)
    {
        lock (_referenceLock)
        {
            return new TextGenerator(_reference.Model, Tokenizer).Generate(promptIds, options);
        }
    }

    /// <summary>An in-process engine over a fresh copy of the model (for connector comparisons).</summary>
    public LocalGenerationEngine CreateLocalEngine() => LocalGenerationEngine.Load(Folder);

    public void Dispose()
    {
        _reference.Dispose();
        _temp?.Dispose();
    }
}
