using System.Globalization;
using System.Runtime.CompilerServices;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Calibration;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.Core.Turns;

/// <summary>
/// How TokenSkip speaks to a model, written once for every door (the in-process chat client, the server, the remote
/// connector, the plugins): from the model's card, the conversation, an optional γ, an optional budget and the sampling
/// settings it decides the prompt, the decoding options and the report; the finished turn comes back through
/// <see cref="Complete"/> so the planner learns.
/// </summary>
/// <remarks>
/// <para>
/// The card decides the defaults. A TokenSkip-trained model (it has a card, <c>tokenskip.json</c>) gets TokenSkip's prompt
/// at the card's default γ (1.0 unless configured) whenever a turn names none; a plain model gets its family's chat
/// template, and TokenSkip's prompt only when a turn names γ or a budget. A budget without γ lets the planner choose γ and
/// caps the completion.
/// </para>
/// <para>
/// Instructions (system messages and an agent's instructions) are placed as the card says the model was trained
/// (<see cref="InstructionPlacement"/>): by default after TokenSkip's system prompt, which stays. Message content is
/// marked (<see cref="MessageContent"/>) so typed special-token text stays text. Seeds are folded to 32 bits one way
/// everywhere (high half XOR low half), and the template's end-of-turn tokens always stop generation.
/// </para>
/// </remarks>
public sealed class TurnPolicy
{
    private static readonly ConditionalWeakTable<IGenerationEngine, BudgetPlanner> SharedPlanners = new();

    private readonly EngineInfo _info;
    private readonly Func<string, int> _countTokens;
    private readonly TurnPolicyOptions _options;

    /// <summary>A policy for the model <paramref name="info"/> describes.</summary>
    /// <param name="info">The model: family, context length and card.</param>
    /// <param name="countTokens">Counts tokens in the model's tokenizer (questions and CoTs, for the planner).</param>
    /// <param name="options">The door's settings; null for the defaults.</param>
    public TurnPolicy(EngineInfo info, Func<string, int> countTokens, TurnPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(countTokens);
        _info = info;
        _countTokens = countTokens;
        _options = (options ?? new TurnPolicyOptions()).Clone().Validate();
        Planner = _options.Planner ?? new BudgetPlanner(info.Card, new BudgetPlannerOptions { CountTokens = countTokens });
    }

    /// <summary>The model's card, or null for a plain model.</summary>
    public ModelCard? Card => _info.Card;

    /// <summary>The planner that chooses γ for budget-only turns.</summary>
    public BudgetPlanner Planner { get; }

    /// <summary>True when turns that name no γ still get TokenSkip's prompt (the model has a card, or a default γ is configured).</summary>
    public bool SpeaksTokenSkip => _info.Card is not null || _options.DefaultCompressionRatio is not null;

    /// <summary>γ for turns that name none: the configured default, else the card's, else 1.0.</summary>
    public CompressionRatio DefaultRatio =>
        _options.DefaultCompressionRatio ?? (_info.Card?.DefaultRatio is { } gamma ? new CompressionRatio(gamma) : CompressionRatio.Uncompressed);

    /// <summary>Where instructions go in TokenSkip's prompt: the configured placement, else the card's.</summary>
    public InstructionPlacement Placement => _options.InstructionPlacement ?? _info.Card?.InstructionPlacement ?? InstructionPlacement.AfterSystemPrompt;

    /// <summary>
    /// A policy for <paramref name="engine"/>'s model whose planner is the one every door over this engine shares (unless
    /// <paramref name="options"/> brings its own), so what one door's turns teach it, the others' budgets use.
    /// </summary>
    public static TurnPolicy For(IGenerationEngine engine, TurnPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return For(engine, engine.Info, engine.CountTokens, options);
    }

    /// <summary>
    /// <see cref="For(IGenerationEngine, TurnPolicyOptions?)"/> for an engine that builds its policy while it starts, before
    /// its <see cref="IGenerationEngine.Info"/> answers.
    /// </summary>
    public static TurnPolicy For(IGenerationEngine engine, EngineInfo info, Func<string, int> countTokens, TurnPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(countTokens);
        var chosen = (options ?? new TurnPolicyOptions()).Clone();
        chosen.Planner ??= SharedPlanners.GetValue(engine, _ => new BudgetPlanner(info.Card, new BudgetPlannerOptions { CountTokens = countTokens }));
        return new TurnPolicy(info, countTokens, chosen);
    }

    /// <summary>Decides the prompt, decoding options and report of a turn.</summary>
    /// <exception cref="InvalidRequestException">A value is out of range or the conversation cannot be rendered; names the field.</exception>
    public TurnPlan Plan(TurnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Messages);
        var requested = CheckRatio(request.CompressionRatio);
        if (request.TokenBudget is < 1)
        {
            throw new InvalidRequestException(TurnReportKeys.TokenBudget, $"token_budget must be at least 1; got {request.TokenBudget}");
        }

        if (request.BudgetSteps < 1)
        {
            throw new InvalidRequestException(TurnReportKeys.BudgetSteps, $"token_budget_steps must be at least 1; got {request.BudgetSteps}");
        }

        if (request.Sampling.MaxOutputTokens is < 1)
        {
            throw new InvalidRequestException("max_tokens", $"max_tokens must be at least 1; got {request.Sampling.MaxOutputTokens}");
        }

        var question = request.Messages.LastOrDefault(m => m.Role == PromptMessage.UserRole)?.Content ?? string.Empty;
        var tokenSkip = requested is not null || request.TokenBudget is not null || SpeaksTokenSkip;
        var ratio = requested ?? DefaultRatio;
        BudgetDecision? decision = null;
        int? cap = null;
        if (request.TokenBudget is { } budget)
        {
            if (requested is null)
            {
                decision = Planner.Plan(budget, request.BudgetSteps, question);
                ratio = decision.Ratio;
            }

            cap = Math.Max(1, decision?.MaxOutputTokens ?? budget);
        }

        var limit = request.Sampling.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        limit = cap is { } c ? Math.Min(limit, c) : limit;
        var tools = OfferedTools(request);
        var (prompt, placement) = tokenSkip ? RenderTokenSkip(request, ratio, tools) : (RenderChat(request, tools), (InstructionPlacement?)null);
        var prefix = ToolCallPrefix(request.ToolChoice, tools);
        var report = tokenSkip ? Report(ratio, request.TokenBudget is null ? null : limit, request.TokenBudget, decision, placement) : [];
        if (request.Tools is { Count: > 0 })
        {
            report[TurnReportKeys.ToolsOffered] = tools.Count > 0;
        }

        return new TurnPlan
        {
            Prompt = prompt + prefix,
            AssistantPrefix = MessageContent.Unmark(prefix),
            ToolsWithheld = request.Tools is { Count: > 0 } && !CallsTools,
            Ratio = tokenSkip ? ratio : null,
            Options = Decoding(request.Sampling, limit),
            MaxOutputTokens = limit,
            RequestedMaxOutputTokens = request.Sampling.MaxOutputTokens,
            MaxOutputTokensRequested = request.Sampling.MaxOutputTokens is not null || cap is not null,
            Question = question,
            Decision = decision,
            Report = report,
            OfferedTools = tools,
        };
    }

    /// <summary>
    /// The plan's decoding options with the completion limit fitted to the context: a prompt of
    /// <paramref name="promptTokens"/> leaves <see cref="EngineInfo.ContextLength"/> − prompt tokens.
    /// </summary>
    /// <exception cref="InvalidRequestException">The prompt does not fit, or the caller asked for more than fits (code <c>context_length_exceeded</c>).</exception>
    public GenerationOptions FitToContext(TurnPlan plan, int promptTokens)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var context = _info.ContextLength;
        if (promptTokens >= context)
        {
            throw new InvalidRequestException("messages",
                $"the prompt has {promptTokens} tokens but the context is {context} tokens (at least one must be left to generate)", "context_length_exceeded");
        }

        var left = context - promptTokens;
        if (plan.RequestedMaxOutputTokens is not null && plan.MaxOutputTokens > left)
        {
            throw new InvalidRequestException("max_tokens",
                $"the prompt has {promptTokens} tokens and {plan.MaxOutputTokens} more were requested, but the context is {context} tokens", "context_length_exceeded");
        }

        return plan.Options with { MaxNewTokens = Math.Min(plan.MaxOutputTokens, left) };
    }

    /// <summary>
    /// Takes a finished turn back: one that ended on its own (not cut by its limit) teaches the planner how long its CoT
    /// was at its γ. Truncated turns are left out, as they would teach it to under-predict.
    /// </summary>
    public void Complete(TurnPlan plan, string completion, int completionTokens, FinishReason finishReason)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(completion);
        if (!_options.ObserveCompletions || finishReason != FinishReason.Stop || plan.Ratio is not { } ratio || completionTokens < 1)
        {
            return;
        }

        var cotTokens = Math.Min(_countTokens(AnswerSuffix.Split(completion).Body), completionTokens);
        Planner.Observe(ratio, cotTokens, plan.Question, completionTokens);
    }

    /// <summary>Folds an OpenAI 64-bit seed into the sampler's 32 bits, the same way in every door.</summary>
    public static int FoldSeed(long seed) => unchecked((int)seed ^ (int)(seed >> 32));

    /// <summary>Checks a requested γ.</summary>
    /// <exception cref="InvalidRequestException">It is not a number in [0.5, 1.0].</exception>
    public static CompressionRatio? CheckRatio(double? gamma)
    {
        if (gamma is not { } value)
        {
            return null;
        }

        if (!double.IsFinite(value) || value < CompressionRatio.MinValue || value > CompressionRatio.MaxValue)
        {
            throw new InvalidRequestException(TurnReportKeys.CompressionRatio,
                string.Create(CultureInfo.InvariantCulture, $"compression_ratio must be between 0.5 and 1.0; got {value}"));
        }

        return new CompressionRatio(value);
    }

    /// <summary>
    /// The warning every door logs (with the number of tools and the model id) when a turn's tools are withheld from a
    /// model whose card says it does not call tools (<see cref="TurnPlan.ToolsWithheld"/>).
    /// </summary>
    public const string ToolsWithheldMessage =
        "{Count} tools were not offered to {ModelId}: its card says it does not call tools (calls_tools: false); the response says tools_offered: false";

    /// <summary>True unless the card says the model does not call tools.</summary>
    public bool CallsTools => _info.Card?.CallsTools ?? true;

    // The tools the model is handed: none when it cannot call them or the request says none; one when it names one.
    private IReadOnlyList<ToolDefinition> OfferedTools(TurnRequest request)
    {
        if (request.Tools is not { Count: > 0 } tools || !CallsTools || request.ToolChoice is "none")
        {
            return [];
        }

        if (request.ToolChoice is null or "auto" or "required")
        {
            return tools;
        }

        return tools.Where(t => t.Name == request.ToolChoice).ToArray() is { Length: > 0 } named
            ? named
            : throw new InvalidRequestException("tool_choice", $"tool_choice names '{request.ToolChoice}', which is not one of the tools");
    }

    // We cannot constrain decoding as vLLM does (guided decoding), so a required call is prefilled instead: the reply
    // opens with the family's call syntax (and the function's name when one is named), and the model continues the call.
    private string ToolCallPrefix(string? toolChoice, IReadOnlyList<ToolDefinition> tools) =>
        tools.Count == 0 || toolChoice is null or "auto" or "none" ? string.Empty
        : ChatTemplates.For(_info.Family).ToolCallOpening(toolChoice == "required" ? null : toolChoice);

    private (string Prompt, InstructionPlacement? Placement) RenderTokenSkip(TurnRequest request, CompressionRatio ratio, IReadOnlyList<ToolDefinition> tools)
    {
        var instructions = string.Join("\n\n", new[] { request.Instructions }
            .Concat(request.Messages.Where(m => m.Role == PromptMessage.SystemRole).Select(m => m.Content))
            .Where(text => !string.IsNullOrWhiteSpace(text)));
        List<PromptMessage> turns = [.. MessageContent.Mark([.. request.Messages.Where(m => m.Role != PromptMessage.SystemRole)])];
        InstructionPlacement? placement = instructions.Length == 0 ? null : Placement;
        switch (placement)
        {
            case InstructionPlacement.AfterSystemPrompt:
                var system = _info.Family == ModelFamily.Qwen2 ? TokenSkipPromptBuilder.QwenSystemPrompt + "\n\n" : string.Empty;
                turns.Insert(0, new PromptMessage(PromptMessage.SystemRole, system + MessageContent.Mark(instructions)));
                break;
            case InstructionPlacement.ReplaceSystemPrompt:
                turns.Insert(0, new PromptMessage(PromptMessage.SystemRole, MessageContent.Mark(instructions)));
                break;
            case InstructionPlacement.BeforeQuestion:
                var last = turns.FindLastIndex(t => t.Role == PromptMessage.UserRole);
                if (last >= 0)
                {
                    turns[last] = turns[last] with { Content = MessageContent.Mark(instructions) + "\n\n" + turns[last].Content };
                }

                break;
        }

        return (Rendered(() => TokenSkipPromptBuilder.BuildPrompt(_info.Family, turns, ratio, tools)), placement);
    }

    private string RenderChat(TurnRequest request, IReadOnlyList<ToolDefinition> tools)
    {
        List<PromptMessage> turns = [.. MessageContent.Mark(request.Messages)];
        if (!string.IsNullOrWhiteSpace(request.Instructions))
        {
            // Instructions and a leading system message share the one system turn the templates allow.
            var instructions = MessageContent.Mark(request.Instructions);
            if (turns.Count > 0 && turns[0].Role == PromptMessage.SystemRole)
            {
                turns[0] = turns[0] with { Content = instructions + "\n\n" + turns[0].Content };
            }
            else
            {
                turns.Insert(0, new PromptMessage(PromptMessage.SystemRole, instructions));
            }
        }

        return Rendered(() => ChatTemplates.For(_info.Family).Render(turns, addGenerationPrompt: true, tools));
    }

    // The template's end-of-turn tokens stop generation even where a checkpoint's EOS ids omit them.
    private GenerationOptions Decoding(TurnSampling sampling, int maxOutputTokens) =>
        sampling.ToGenerationOptions(maxOutputTokens, ChatTemplates.For(_info.Family).StopTokens);

    // A conversation the template cannot express is the request's fault: a 400 naming messages, not a server error.
    private static string Rendered(Func<string> render)
    {
        try
        {
            return render();
        }
        catch (ArgumentException e)
        {
            throw new InvalidRequestException("messages", e.Message.Replace(" (Parameter 'messages')", string.Empty, StringComparison.Ordinal));
        }
    }

    private static Dictionary<string, object> Report(CompressionRatio ratio, int? limit, int? budget, BudgetDecision? decision, InstructionPlacement? placement)
    {
        var report = new Dictionary<string, object> { [TurnReportKeys.CompressionRatio] = ratio.Value };
        if (budget is { } tokens)
        {
            report[TurnReportKeys.TokenBudget] = tokens;
            report[TurnReportKeys.MaxOutputTokens] = limit!.Value;
        }

        if (decision is not null)
        {
            report[TurnReportKeys.PredictedTokens] = decision.PredictedTokens;
            report[TurnReportKeys.BudgetExplanation] = decision.Explanation;
            report[TurnReportKeys.BudgetFallback] = !decision.FitsBudget;
        }

        if (placement is { } where)
        {
            report[TurnReportKeys.Instructions] = InstructionPlacements.ToName(where);
        }

        return report;
    }
}
