using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Models.Runtime;
using TokenSkip.Models.Tokenization;
using TokenSkip.Models.Transformer;

namespace TokenSkip.Models.Inference;

/// <summary>
/// An in-process <see cref="IGenerationEngine"/>: owns a model and runs every request on one dedicated thread (TorchSharp
/// scopes are per thread), one request at a time in arrival order; tokens flow back through a channel. For many
/// concurrent clients, the hosting package's batching worker is the better engine.
/// </summary>
public sealed class LocalGenerationEngine : IGenerationEngine, IDisposable
{
    private readonly CausalLanguageModel _model;
    private readonly TextGenerator _generator;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;

    /// <summary>Takes ownership of <paramref name="model"/> and serves it with <paramref name="tokenizer"/>.</summary>
    public LocalGenerationEngine(CausalLanguageModel model, ITextTokenizer tokenizer, string? modelId = null)
    {
        _model = model;
        Tokenizer = tokenizer;
        _generator = new TextGenerator(model, tokenizer);
        var family = ModelFamilies.TryFromHuggingFaceName(model.Config.ModelType, out var f) ? f : ModelFamily.Qwen2;
        Info = new EngineInfo(modelId ?? Path.GetFileName(model.SourceFolder ?? "model"), family, model.Config.MaxPositions);
        _thread = new Thread(Run) { IsBackground = true, Name = "TokenSkip model" };
        _thread.Start();
    }

    /// <inheritdoc />
    public EngineInfo Info { get; }

    /// <summary>The model's tokenizer.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>Loads a model folder (config, weights, tokenizer) into a new engine.</summary>
    public static LocalGenerationEngine Load(string folder, ModelLoadOptions? options = null)
    {
        var tokenizer = TokenizerLoader.TryLoad(folder)
            ?? throw new Checkpoints.ModelFormatException(folder, "no tokenizer.json (or vocab.json) in the model folder");
        return new LocalGenerationEngine(CausalLanguageModel.Load(folder, options), tokenizer);
    }

    /// <inheritdoc />
    public int CountTokens(string text) => Tokenizer.Encode(text).Count;

    /// <inheritdoc />
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        request.Validate();
        var updates = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
        await _queue.Writer.WriteAsync(new Work(request, updates.Writer, cancellationToken), cancellationToken).ConfigureAwait(false);
        await foreach (var update in updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            // ReadAllAsync hands out buffered tokens without looking at the token; the contract is to stop at once.
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
    }

    /// <summary>Stops the model thread after the queued work and releases the model.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
        _model.Dispose();
    }

    private void Run()
    {
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_queue.Reader.TryRead(out var work))
            {
                try
                {
                    work.CancellationToken.ThrowIfCancellationRequested();
                    var ids = work.Request.PromptIds ?? Tokenizer.Encode(work.Request.PromptText!);
                    _generator.Generate(ids, work.Request.Options, u => work.Updates.TryWrite(u), work.CancellationToken);
                    work.Updates.TryComplete();
                }
                catch (Exception e)
                {
                    work.Updates.TryComplete(e);
                }
            }
        }
    }

    private sealed record Work(GenerationRequest Request, ChannelWriter<GenerationUpdate> Updates, CancellationToken CancellationToken);
}
