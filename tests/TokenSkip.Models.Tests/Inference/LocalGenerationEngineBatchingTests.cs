using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Models.Inference;
using TokenSkip.Models.Loading;
using TokenSkip.Models.Tests.Tokenization;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Models.Tests.Inference;

/// <summary>The in-process engine's model thread: concurrent calls share steps, cancellation and disposal free what they hold.</summary>
public sealed class LocalGenerationEngineBatchingTests
{
    private static readonly int[][] Prompts = [[5, 17, 3], [40, 2, 9, 11, 60, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [7, 7, 7, 7]];

    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 12, IgnoreEndOfSequence = true };

    [Fact]
    public async Task ConcurrentCallsAreDecodedInSharedStepsAndEachGetsWhatItGetsAlone()
    {
        var tokenizer = new CharTokenizer();
        GenerationOptions[] options =
        [
            Greedy,
            Greedy with { Temperature = 0.9, Seed = 11, TopK = 20 },
            Greedy with { Temperature = 0.7, Seed = 3, TopP = 0.8, RepetitionPenalty = 1.3, MaxNewTokens = 7 },
            Greedy with { StopStrings = ["zz"], MaxNewTokens = 9 },
        ];
        GenerationResult[] alone;
        using (var reference = TinyModels.Create())
        {
            var generator = new TextGenerator(reference, tokenizer);
            alone = Prompts.Select((p, i) => generator.Generate(p, options[i])).ToArray();
        }

        var observer = new RecordingObserver();
        using var engine = new LocalGenerationEngine(new ModelBundle(TinyModels.Create(), tokenizer), observer: observer);
        var gate = new StepGate();
        engine.BeforeStep = gate.Pass;

        var calls = Prompts.Select((p, i) => ReadAsync(engine, new GenerationRequest { PromptIds = p, Options = options[i] })).ToArray();
        await gate.HeldAsync();
        await WaitForAsync(() => engine.ActiveSequences + engine.QueuedRequests == Prompts.Length);
        gate.Open();
        var results = await Task.WhenAll(calls);

        for (var i = 0; i < Prompts.Length; i++)
        {
            Assert.Equal(alone[i].OutputIds, results[i].Select(u => u.TokenId!.Value));
            Assert.Equal(alone[i].Text, string.Concat(results[i].Select(u => u.TextDelta)));
            Assert.Equal(alone[i].Usage, results[i][^1].Usage);
            Assert.Equal(alone[i].FinishReason, results[i][^1].FinishReason);
        }

        Assert.Contains(observer.StepSizes, size => size == Prompts.Length);
        Assert.True(observer.StepSizes.Count < alone.Sum(r => r.OutputIds.Count), "the requests should have shared steps");
        Assert.Equal(0, engine.ActiveSequences);
    }

    [Fact]
    public async Task CancellingARequestFreesItsSlotBeforeTheNextStep()
    {
        var tokenizer = new CharTokenizer();
        GenerationResult expected;
        using (var reference = TinyModels.Create())
        {
            expected = new TextGenerator(reference, tokenizer).Generate(Prompts[1], Greedy);
        }

        var observer = new RecordingObserver();
        using var engine = new LocalGenerationEngine(new ModelBundle(TinyModels.Create(), tokenizer), new ContinuousBatchOptions { Slots = 1 }, observer);
        var gate = new StepGate();
        engine.BeforeStep = gate.Pass;
        using var cancellation = new CancellationTokenSource();

        var cancelled = ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[0], Options = Greedy with { MaxNewTokens = 100 } }, cancellation.Token);
        await gate.HeldAsync();
        var waiting = ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[1], Options = Greedy });
        await WaitForAsync(() => engine.QueuedRequests == 1);
        await gate.StepAsync(); // the first request's first tokens
        await cancellation.CancelAsync();
        await gate.StepAsync(); // the step already under way when it was cancelled

        // Before the next step the cancelled request has left and the waiting one holds the only slot.
        Assert.Equal((RequestOutcome.Cancelled, 3), Assert.Single(observer.Ended));
        Assert.Equal((1, 0), (engine.ActiveSequences, engine.QueuedRequests));
        gate.Open();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var completed = await waiting;
        Assert.Equal(expected.OutputIds, completed.Select(u => u.TokenId!.Value));
    }

    [Fact]
    public async Task AnAbandonedEnumerationFreesItsSlot()
    {
        using var engine = new LocalGenerationEngine(new ModelBundle(TinyModels.Create(), new CharTokenizer()), new ContinuousBatchOptions { Slots = 1 });
        var seen = 0;

        await foreach (var _ in engine.GenerateAsync(new GenerationRequest { PromptIds = Prompts[0], Options = Greedy with { MaxNewTokens = 100 } }))
        {
            if (++seen == 2)
            {
                break;
            }
        }

        var next = await ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[1], Options = Greedy });
        Assert.Equal(12, next.Count);
        await WaitForAsync(() => engine.ActiveSequences == 0);
    }

    [Fact]
    public async Task DisposingWithRequestsInFlightEndsThemWithAnExceptionAndReleasesTheModel()
    {
        var engine = new LocalGenerationEngine(new ModelBundle(TinyModels.Create(), new CharTokenizer()), new ContinuousBatchOptions { Slots = 1 });
        var gate = new StepGate();
        engine.BeforeStep = gate.Pass;
        var running = ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[0], Options = Greedy with { MaxNewTokens = 100 } });
        await gate.HeldAsync();
        var queued = ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[1], Options = Greedy });
        await WaitForAsync(() => engine.QueuedRequests == 1);

        var disposing = Task.Run(engine.Dispose);
        for (var i = 0; i < 1000 && !disposing.IsCompleted; i++)
        {
            gate.Release(); // one step at a time: the model thread stops at the first step boundary after Dispose began
            await Task.WhenAny(disposing, Task.Delay(20));
        }

        await disposing.WaitAsync(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => running);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ReadAsync(engine, new GenerationRequest { PromptIds = Prompts[0] }));
        engine.Dispose(); // twice is fine
    }

    [Fact]
    public void LoadingAFolderGoesThroughTheBundleAndCarriesTheCard()
    {
        using var folder = new TempFolder();
        var path = TinyModels.Write(folder);
        File.WriteAllText(Path.Combine(path, "tokenizer.json"), TinyTokenizerJson.Create().ToJsonString());
        new ModelCard { Description = "tiny" }.Save(path);

        using var engine = LocalGenerationEngine.Load(path);

        Assert.Equal("model", engine.Info.ModelId);
        Assert.Equal(Core.Prompts.ModelFamily.Qwen2, engine.Info.Family);
        Assert.Equal(TinyModels.Config().MaxPositions, engine.Info.ContextLength);
        Assert.Equal("tiny", engine.Info.Card!.Description);
    }

    private static async Task<List<GenerationUpdate>> ReadAsync(IGenerationEngine engine, GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var updates = new List<GenerationUpdate>();
        await foreach (var update in engine.GenerateAsync(request, cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "timed out waiting for the engine");
    }
}
