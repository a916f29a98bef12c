using Microsoft.Extensions.Logging;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Hosting.Errors;
using TokenSkip.Hosting.Worker;
using TokenSkip.Models.Checkpoints;
using TokenSkip.Models.Tokenization;
using TokenSkip.TestSupport;
using Xunit;

namespace TokenSkip.Hosting.Tests;

/// <summary>The worker: continuous batching on one model thread, per-request settings, cancellation, deadlines, the queue bound.</summary>
[Collection(ServerCollection.Name)]
public sealed class ModelWorkerTests(ServedModelFixture model)
{
    private static readonly GenerationOptions Greedy = new() { MaxNewTokens = 24 };

    [Fact]
    public async Task ServesWhatTheInProcessGeneratorProducesAlone()
    {
        await using var harness = await WorkerHarness.StartAsync(model.Folder);
        var prompt = Prompt("What is 2 + 3?");
        var expected = model.Generate(prompt, Greedy);

        var updates = new List<GenerationUpdate>();
        await foreach (var update in harness.Worker.GenerateAsync(new GenerationRequest { PromptIds = prompt, Options = Greedy }))
        {
            updates.Add(update);
        }

        Assert.Equal(expected.OutputIds, updates.Select(u => u.TokenId!.Value));
        Assert.Equal(expected.Text, string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(expected.Usage, updates[^1].Usage);
        Assert.Equal(expected.FinishReason, updates[^1].FinishReason);
        Assert.All(updates, u => Assert.Equal(0, u.RequestIndex));
        Assert.Equal(model.ModelId, harness.Worker.Info.ModelId);
        Assert.Equal(ModelFamily.Qwen2, harness.Worker.Info.Family);
    }

    [Fact]
    public async Task ConcurrentRequestsWithTheirOwnSettingsEachGetTheirSoloResult()
    {
        await using var harness = await WorkerHarness.StartAsync(model.Folder, o => o.MaxBatchSize = 3);
        var requests = new (string Question, GenerationOptions Options)[]
        {
            ("What is 2 + 3?", Greedy with { IgnoreEndOfSequence = true }),
            ("Tom has 5 apples and buys 2 more.", Greedy with { Temperature = 0.9, Seed = 7, TopK = 40, IgnoreEndOfSequence = true }),
            ("How many apples does he have now?", Greedy with { Temperature = 0.7, Seed = 3, TopP = 0.9, MaxNewTokens = 9 }),
            ("Tom buys 3 apples.", Greedy with { RepetitionPenalty = 1.3, MaxNewTokens = 12, IgnoreEndOfSequence = true }),
        };
        var expected = requests.Select(r => model.Generate(Prompt(r.Question), r.Options)).ToArray();

        var results = await Task.WhenAll(requests.Select(r =>
            Generated.ReadAsync(harness.Worker.Submit(new GenerationRequest { PromptIds = Prompt(r.Question), Options = r.Options }))));

        for (var i = 0; i < requests.Length; i++)
        {
            Assert.Equal(expected[i].OutputIds, results[i].Ids);
            Assert.Equal(expected[i].Text, results[i].Text);
        }

        await harness.AssertIdleAsync();
    }

    [Fact]
    public async Task AShortRequestJoinsTheRunningBatchAndFinishesWhileTheLongOneRuns()
    {
        var gate = new StepGate();
        await using var harness = await WorkerHarness.StartAsync(model.Folder);
        harness.Worker.BeforeStep = gate.Pass;
        var longOptions = Greedy with { MaxNewTokens = 40, IgnoreEndOfSequence = true };
        var shortOptions = Greedy with { MaxNewTokens = 3, IgnoreEndOfSequence = true };
        var longExpected = model.Generate(Prompt("What is 2 + 3?"), longOptions);
        var shortExpected = model.Generate(Prompt("Tom buys 3 apples."), shortOptions);

        var longRun = harness.Worker.Submit(new GenerationRequest { PromptIds = Prompt("What is 2 + 3?"), Options = longOptions });
        await gate.HeldAsync();
        for (var step = 0; step < 3; step++)
        {
            await gate.StepAsync();
        }
        var shortRun = harness.Worker.Submit(new GenerationRequest { PromptIds = Prompt("Tom buys 3 apples."), Options = shortOptions });
        var shortIds = new List<int>();
        var steps = 0;
        while (!shortRun.Completion.IsCompleted && steps++ < 10)
        {
            await gate.StepAsync();
            while (shortRun.TryRead(out var update))
            {
                shortIds.Add(update.TokenId!.Value);
            }
        }

        // The short request ran to its end beside the long one, which is still going.
        Assert.Equal(shortExpected.OutputIds, shortIds);
        Assert.False(longRun.Completion.IsCompleted);
        Assert.Contains(2, gate.ActiveCounts);
        gate.Open();
        var longResult = await Generated.ReadAsync(longRun);
        Assert.Equal(longExpected.OutputIds, longResult.Ids);
        await harness.AssertIdleAsync();
    }

    [Fact]
    public async Task CancellingARunningRequestFreesItsSlotBeforeTheNextStep()
    {
        var gate = new StepGate();
        await using var harness = await WorkerHarness.StartAsync(model.Folder, o => o.MaxBatchSize = 1);
        harness.Worker.BeforeStep = gate.Pass;
        using var cancellation = new CancellationTokenSource();
        var run = harness.Worker.Submit(new GenerationRequest
        {
            PromptIds = Prompt("What is 2 + 3?"),
            Options = Greedy with { MaxNewTokens = 200, IgnoreEndOfSequence = true },
        }, cancellation.Token);
        await gate.HeldAsync();
        await gate.StepAsync();
        Assert.Equal(1, harness.Worker.ActiveSequences);

        await cancellation.CancelAsync();
        gate.Open();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generated.ReadAsync(run));
        await harness.AssertIdleAsync();
        var next = await Generated.ReadAsync(harness.Worker.Submit(new GenerationRequest { PromptIds = Prompt("Tom buys 3 apples."), Options = Greedy }));
        Assert.NotNull(next.Final.Usage);
    }

    [Fact]
    public async Task AFullQueueRefusesAndACancelledQueuedRequestGivesItsPlaceBack()
    {
        var gate = new StepGate();
        await using var harness = await WorkerHarness.StartAsync(model.Folder, o =>
        {
            o.MaxBatchSize = 1;
            o.MaxQueueLength = 1;
            o.RetryAfterSeconds = 3;
        });
        harness.Worker.BeforeStep = gate.Pass;
        var options = Greedy with { MaxNewTokens = 4, IgnoreEndOfSequence = true };
        GenerationRequest Request() => new() { PromptIds = Prompt("What is 2 + 3?"), Options = options };

        var running = harness.Worker.Submit(Request());
        await gate.HeldAsync(); // admitted: it holds the only slot
        using var cancelQueued = new CancellationTokenSource();
        var queued = harness.Worker.Submit(Request(), cancelQueued.Token);
        var busy = Assert.Throws<ServerBusyException>(() => harness.Worker.Submit(Request()));
        await cancelQueued.CancelAsync();
        var replacement = harness.Worker.Submit(Request());
        gate.Open();

        Assert.Equal(TimeSpan.FromSeconds(3), busy.RetryAfter);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Generated.ReadAsync(queued));
        Assert.Equal(4, (await Generated.ReadAsync(running)).Ids.Count);
        Assert.Equal(4, (await Generated.ReadAsync(replacement)).Ids.Count);
        await harness.AssertIdleAsync();
    }

    [Fact]
    public async Task ARequestPastTheRequestTimeoutIsEnded()
    {
        var gate = new StepGate();
        await using var harness = await WorkerHarness.StartAsync(model.Folder, o => o.RequestTimeout = TimeSpan.FromMilliseconds(200));
        harness.Worker.BeforeStep = gate.Pass;
        var run = harness.Worker.Submit(new GenerationRequest
        {
            PromptIds = Prompt("What is 2 + 3?"),
            Options = Greedy with { MaxNewTokens = 500, IgnoreEndOfSequence = true },
        });
        await gate.HeldAsync();
        await Task.Delay(400); // the deadline passes while the step is held (a wait, not a speed assertion)
        gate.Open();

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => Generated.ReadAsync(run));
        Assert.Contains("request timeout", error.Message);
        await harness.AssertIdleAsync();
    }

    [Fact]
    public async Task TheEngineInfoCarriesTheModelCardAndTheEndOfTurnIds()
    {
        await using var harness = await WorkerHarness.StartAsync(model.Folder);

        var info = harness.Worker.Info;

        Assert.Equal(File.Exists(Path.Combine(model.Folder, ModelCard.FileName)), info.Card is not null);
        Assert.Equal(ModelCard.TryLoad(model.Folder)?.Description, info.Card?.Description);
        Assert.Same(harness.Worker.Model!.Card, info.Card);
        Assert.Equal(TemplateStopTokens.Resolve(ChatTemplates.For(ModelFamily.Qwen2), model.Tokenizer), info.EndOfTurnTokenIds);
    }

    [Fact]
    public async Task PromptsThatCannotBeServedAreRefusedBeforeQueueing()
    {
        await using var harness = await WorkerHarness.StartAsync(model.Folder, o => o.ContextTokens = 64);
        var tooLong = Enumerable.Repeat(Prompt("What is 2 + 3?")[0], 64).ToArray();

        var context = Assert.Throws<ContextLengthExceededException>(() => harness.Worker.Submit(new GenerationRequest { PromptIds = tooLong }));
        var vocabulary = Assert.Throws<InvalidRequestException>(() => harness.Worker.Submit(new GenerationRequest { PromptIds = [1, 1_000_000] }));

        Assert.Equal(64, context.ContextTokens);
        Assert.Equal(64, harness.Worker.Info.ContextLength);
        Assert.Contains("outside the vocabulary", vocabulary.Message);
        Assert.Equal("prompt", vocabulary.Parameter);
        Assert.Equal(0, harness.Worker.QueuedRequests);
    }

    [Fact]
    public async Task RequestsAreRefusedUntilTheModelIsLoaded()
    {
        GatedModelLoader? loader = null;
        await using var harness = await WorkerHarness.StartAsync(model.Folder, wrapLoader: inner => loader = new GatedModelLoader(inner),
            waitForModel: false);

        var early = Assert.Throws<ModelUnavailableException>(() => harness.Worker.Submit(new GenerationRequest { PromptIds = [1, 2] }));
        Assert.Equal(WorkerState.Loading, harness.Worker.State);
        Assert.Throws<ModelUnavailableException>(() => harness.Worker.Info);
        loader!.Open();

        Assert.True(await harness.Worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("loading", early.Message);
        Assert.Equal(WorkerState.Ready, harness.Worker.State);
        var served = await Generated.ReadAsync(harness.Worker.Submit(new GenerationRequest { PromptIds = Prompt("What is 2 + 3?"), Options = Greedy }));
        Assert.NotEmpty(served.Ids);
    }

    [Fact]
    public async Task AFailedLoadIsReportedAndRefusesRequests()
    {
        GatedModelLoader? loader = null;
        await using var harness = await WorkerHarness.StartAsync(model.Folder,
            wrapLoader: inner => loader = new GatedModelLoader(inner, new FileNotFoundException("weights.safetensors is missing")), waitForModel: false);
        loader!.Open();

        Assert.False(await harness.Worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)));
        var refused = Assert.Throws<ModelUnavailableException>(() => harness.Worker.Submit(new GenerationRequest { PromptIds = [1, 2] }));

        Assert.Equal(WorkerState.Failed, harness.Worker.State);
        Assert.IsType<FileNotFoundException>(harness.Worker.LoadError);
        Assert.Contains("weights.safetensors is missing", refused.Message);
        await Assert.ThrowsAsync<FileNotFoundException>(() => harness.Worker.ExecuteTask!);
    }

    public static TheoryData<Exception, bool> LoadFailures => new()
    {
        { new ModelFormatException("/models/m/model.safetensors", "header length 5288 is impossible for a file of 1000 bytes"), false },
        { new TokenizerFormatException("/models/m/tokenizer.json", string.Empty, "is not valid JSON"), false },
        { new FormatException("/models/m/tokenskip.json: invalid model card"), false },
        { new InvalidOperationException("a bug in the loader"), true },
    };

    [Theory]
    [MemberData(nameof(LoadFailures))]
    public async Task AFolderProblemIsLoggedAsItsMessageAndOnlyABugWithItsStack(Exception failure, bool withStack)
    {
        var logs = new LogCapture();
        using var factory = new LoggerFactory([logs]);
        GatedModelLoader? loader = null;
        await using var harness = await WorkerHarness.StartAsync(model.Folder, wrapLoader: inner => loader = new GatedModelLoader(inner, failure),
            waitForModel: false, logger: factory.CreateLogger<ModelWorker>());
        loader!.Open();

        Assert.False(await harness.Worker.Loaded.WaitAsync(TimeSpan.FromSeconds(60)));
        var entry = Assert.Single(logs.Lines, l => l.Level == LogLevel.Critical);

        Assert.Equal($"The model could not be loaded{(withStack ? string.Empty : ": " + failure.Message)}", entry.Message);
        Assert.Same(withStack ? failure : null, entry.Exception);
    }

    private IReadOnlyList<int> Prompt(string question) =>
        model.Tokenizer.Encode(ChatTemplates.For(ModelFamily.Qwen2).Render([new PromptMessage(PromptMessage.UserRole, question)], addGenerationPrompt: true));
}
