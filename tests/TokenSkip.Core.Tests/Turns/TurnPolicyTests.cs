using TokenSkip.Core.Calibration;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;
using TokenSkip.Core.Turns;
using Xunit;

namespace TokenSkip.Core.Tests.Turns;

public sealed class TurnPolicyTests
{
    private const string Question = "Tom has 3 boxes of 4 pens. How many pens does he have?";
    private const string Instruction = "Please reason step by step, and put your final answer within \\boxed{}.";

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;

    private static TurnPolicy Policy(ModelCard? card, TurnPolicyOptions? options = null, int context = 4096) =>
        new(new EngineInfo("m", ModelFamily.Qwen2, context) { Card = card }, Words, options);

    private static TurnRequest Ask(string question = Question) => new() { Messages = [new(PromptMessage.UserRole, question)] };

    [Fact]
    public void ATokenSkipModelGetsTokenSkipsPromptAtItsCardsDefaultRatio()
    {
        var plan = Policy(new ModelCard { DefaultRatio = 0.7 }).Plan(Ask());

        Assert.Equal("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + Instruction + "\n" + Question +
            "<|eot_id|>0.7<|eot_id|><|im_end|>\n<|im_start|>assistant\n", MessageContent.Unmark(plan.Prompt));
        Assert.Equal(0.7, plan.Report[TurnReportKeys.CompressionRatio]);
    }

    [Fact]
    public void APlainModelGetsItsChatTemplateUntilATurnNamesARatio()
    {
        var policy = Policy(card: null);

        var plain = policy.Plan(Ask());
        var compressed = policy.Plan(Ask() with { CompressionRatio = 0.6 });

        Assert.Null(plain.Ratio);
        Assert.Empty(plain.Report);
        Assert.StartsWith("<|im_start|>system\n" + QwenChatTemplate.DefaultSystemPrompt, plain.Prompt);
        Assert.Contains("<|eot_id|>0.6<|eot_id|>", compressed.Prompt);
    }

    [Theory]
    [InlineData(0.49)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void ARatioOutsideTheTrainedRangeIsRefusedNamingTheField(double gamma)
    {
        var error = Assert.Throws<InvalidRequestException>(() => Policy(new ModelCard()).Plan(Ask() with { CompressionRatio = gamma }));

        Assert.Equal("compression_ratio", error.Parameter);
        Assert.Contains("between 0.5 and 1.0", error.Message);
    }

    [Theory]
    [InlineData(InstructionPlacement.AfterSystemPrompt, "<|im_start|>system\nYou are a helpful assistant.\n\nBe brief.<|im_end|>\n<|im_start|>user\n" + Instruction + "\n")]
    [InlineData(InstructionPlacement.ReplaceSystemPrompt, "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n" + Instruction + "\n")]
    [InlineData(InstructionPlacement.BeforeQuestion, "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + Instruction + "\nBe brief.\n\n")]
    [InlineData(InstructionPlacement.Omit, "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + Instruction + "\n")]
    public void InstructionsGoWhereTheCardSaysAndTheReportSaysWhere(InstructionPlacement placement, string expectedStart)
    {
        var card = new ModelCard { Instructions = InstructionPlacements.ToName(placement) };

        var plan = Policy(card).Plan(Ask() with { Instructions = "Be brief." });

        Assert.StartsWith(expectedStart + Question, MessageContent.Unmark(plan.Prompt));
        Assert.Equal(InstructionPlacements.ToName(placement), plan.Report[TurnReportKeys.Instructions]);
    }

    [Fact]
    public void ABudgetWithoutARatioIsPlannedOverTheStepsItMustCoverAndCapsTheTurn()
    {
        var card = new ModelCard { Calibration = [new(1.0, 1.0, 0.9, 100), new(0.5, 0.5, 0.8, 50)] };
        var policy = Policy(card, new TurnPolicyOptions
        {
            Planner = new Core.Budgets.BudgetPlanner(card, new Core.Budgets.BudgetPlannerOptions { SafetyDeviations = 0, DefaultCotTokens = 100, CountTokens = Words }),
        });

        var alone = policy.Plan(Ask() with { TokenBudget = 200 });
        var shared = policy.Plan(Ask() with { TokenBudget = 200, BudgetSteps = 3 });

        Assert.Equal(1.0, alone.Ratio!.Value.Value);
        Assert.True(shared.Ratio!.Value.Value < 1.0, "a third of 200 tokens cannot hold an uncompressed CoT");
        Assert.True(shared.MaxOutputTokens <= 200);
        Assert.Equal(shared.MaxOutputTokens, shared.Report[TurnReportKeys.MaxOutputTokens]);
        Assert.True(shared.MaxOutputTokensRequested);
        Assert.Contains(TurnReportKeys.BudgetExplanation, shared.Report.Keys);
    }

    [Fact]
    public void SamplingSettingsBecomeTheSameDecodingOptionsForEveryDoor()
    {
        var plan = Policy(new ModelCard()).Plan(Ask() with
        {
            Sampling = new TurnSampling { Temperature = 0.8, Seed = (3L << 32) | 5, StopSequences = ["###"], MaxOutputTokens = 64 },
        });

        Assert.Equal(3 ^ 5, plan.Options.Seed);
        Assert.Equal(TurnPolicy.FoldSeed((3L << 32) | 5), plan.Options.Seed);
        Assert.Equal(["<|im_end|>", "<|endoftext|>", "###"], plan.Options.StopStrings);
        Assert.Equal(64, plan.Options.MaxNewTokens);
        Assert.True(plan.RequestedMaxOutputTokens == 64);
        Assert.False(Policy(null).Plan(Ask()).MaxOutputTokensRequested);
    }

    [Fact]
    public void TheLimitIsFittedToTheContextAndAnExplicitLimitThatCannotFitIsRefused()
    {
        var policy = Policy(new ModelCard(), context: 100);
        var defaulted = policy.Plan(Ask());
        var explicitly = policy.Plan(Ask() with { Sampling = new TurnSampling { MaxOutputTokens = 90 } });

        Assert.Equal(40, policy.FitToContext(defaulted, promptTokens: 60).MaxNewTokens);
        var error = Assert.Throws<InvalidRequestException>(() => policy.FitToContext(explicitly, promptTokens: 60));
        Assert.Equal("context_length_exceeded", error.Code);
        Assert.Throws<InvalidRequestException>(() => policy.FitToContext(defaulted, promptTokens: 100));
    }

    [Fact]
    public void OnlyTurnsThatEndOnTheirOwnTeachThePlanner()
    {
        var policy = Policy(new ModelCard());
        var plan = policy.Plan(Ask());

        policy.Complete(plan, "a b c d\n\nThe final answer is: $\\boxed{12}$", 12, FinishReason.Length);
        var afterTruncated = policy.Planner.Observations;
        policy.Complete(plan, "a b c d\n\nThe final answer is: $\\boxed{12}$", 12, FinishReason.Stop);

        Assert.Equal(0, afterTruncated);
        Assert.Equal(1, policy.Planner.Observations);
    }

    [Fact]
    public void EveryPolicyOverOneEngineSharesOnePlanner()
    {
        var engine = new OneEngine();

        Assert.Same(TurnPolicy.For(engine).Planner, TurnPolicy.For(engine, new TurnPolicyOptions { DefaultMaxOutputTokens = 7 }).Planner);
        Assert.NotSame(TurnPolicy.For(engine).Planner, TurnPolicy.For(new OneEngine()).Planner);
    }

    private sealed class OneEngine : IGenerationEngine
    {
        public EngineInfo Info { get; } = new("one", ModelFamily.Qwen2, 512) { Card = new ModelCard() };

        public int CountTokens(string text) => text.Length;

        public IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
