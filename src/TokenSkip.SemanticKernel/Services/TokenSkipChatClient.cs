using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Text;

namespace TokenSkip.SemanticKernel;

/// <summary>
/// A TokenSkip reasoning model as a Microsoft.Extensions.AI <see cref="IChatClient"/>, stream-first: the conversation
/// is rendered with the model family's chat template and TokenSkip's prompt (γ written exactly as in training), the
/// engine streams one update per token, and the last update carries <see cref="UsageContent"/> and the finish reason.
/// </summary>
/// <remarks>
/// <para>
/// The engine is an in-process model (<c>LocalGenerationEngine</c>) or, through <see cref="OpenAICompatibleEngine"/>, a
/// remote OpenAI-compatible completions server (vLLM, llama.cpp's server): the prompt is rendered here in both cases,
/// so γ travels in the prompt text and every feature above this client works the same.
/// </para>
/// <para>
/// Per call, <c>ChatOptions.AdditionalProperties</c> may set <c>compression_ratio</c> (γ) and <c>token_budget</c>
/// (completion tokens): a budget caps <c>MaxOutputTokens</c>, and a budget without γ lets the <see cref="BudgetPlanner"/>
/// choose γ. The final update's <c>AdditionalProperties</c> (on the message and the response once aggregated, and so in SK's
/// <c>ChatMessageContent.Metadata</c>) report the γ used and the
/// planner's reasoning, under the <see cref="TokenSkipOptionKeys"/> names.
/// <c>ChatOptions.Tools</c> are ignored here: add <see cref="PromptToolCallingChatClient"/> to the pipeline for tools.
/// </para>
/// </remarks>
public sealed class TokenSkipChatClient : IChatClient
{
    private readonly IGenerationEngine _engine;
    private readonly TokenSkipChatClientOptions _options;
    private readonly BudgetPlanner _planner;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Serves the model behind <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public TokenSkipChatClient(IGenerationEngine engine, TokenSkipChatClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _options = (options ?? new TokenSkipChatClientOptions()).Clone();
        if (_options.DefaultMaxOutputTokens < 1)
        {
            throw new ArgumentException($"DefaultMaxOutputTokens must be at least 1; got {_options.DefaultMaxOutputTokens}.", nameof(options));
        }

        _planner = _options.Planner ?? new BudgetPlanner(_options.ModelCard, new BudgetPlannerOptions { CountTokens = engine.CountTokens });
        _metadata = new ChatClientMetadata("tokenskip", (engine as OpenAICompatibleEngine)?.Endpoint, engine.Info.ModelId);
    }

    /// <summary>The engine this client generates with.</summary>
    public IGenerationEngine Engine => _engine;

    /// <summary>The planner that chooses γ for budget-only calls.</summary>
    public BudgetPlanner Planner => _planner;

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var call = TokenSkipCallOptions.From(options);
        var turns = ChatMessageRenderer.ToPromptMessages(messages, options?.Instructions);
        var question = ChatMessageRenderer.LastUserText(turns);
        var maxTokens = options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        if (maxTokens < 1)
        {
            throw new ArgumentException($"MaxOutputTokens must be at least 1; got {maxTokens}.", nameof(options));
        }

        var ratio = call.Ratio ?? _options.DefaultCompressionRatio;
        BudgetDecision? decision = null;
        if (call.TokenBudget is { } budget)
        {
            if (call.Ratio is null)
            {
                decision = _planner.Plan(budget, 1, question);
                ratio = decision.Ratio;
            }

            maxTokens = Math.Min(maxTokens, Math.Max(1, decision?.MaxOutputTokens ?? budget));
        }

        var family = _engine.Info.Family;
        var request = new GenerationRequest
        {
            PromptText = TokenSkipPromptBuilder.BuildPrompt(family, MessageContent.Mark(turns), ratio),
            Options = ToGenerationOptions(options, family, maxTokens),
        };

        var responseId = Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        var completion = new StringBuilder();
        await foreach (var update in _engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (update.TextDelta.Length > 0)
            {
                completion.Append(update.TextDelta);
                yield return NewUpdate(responseId, created, [new TextContent(update.TextDelta)]);
            }

            if (update.IsFinal)
            {
                var usage = update.Usage ?? new GenerationUsage(0, 0);
                if (update.FinishReason == FinishReason.Stop && _options.ObserveCompletions)
                {
                    Observe(ratio, question, completion.ToString(), usage.CompletionTokens);
                }

                var final = NewUpdate(responseId, created, [new UsageContent(new UsageDetails
                {
                    InputTokenCount = usage.PromptTokens,
                    OutputTokenCount = usage.CompletionTokens,
                    TotalTokenCount = usage.TotalTokens,
                })]);
                final.FinishReason = update.FinishReason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                final.AdditionalProperties = Report(ratio, call.TokenBudget, decision);
                yield return final;

                // ToChatResponse files properties of an update with a message id under the message (which Semantic
                // Kernel copies into ChatMessageContent.Metadata); this id-less echo files them under the response too.
                yield return new ChatResponseUpdate(ChatRole.Assistant, [])
                {
                    ResponseId = responseId,
                    CreatedAt = created,
                    ModelId = _engine.Info.ModelId,
                    AdditionalProperties = final.AdditionalProperties.Clone(),
                };
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(_engine) ? _engine
            : serviceType == typeof(BudgetPlanner) ? _planner
            : null;
    }

    /// <summary>Does nothing: the engine belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    private static GenerationOptions ToGenerationOptions(ChatOptions? options, ModelFamily family, int maxTokens)
    {
        // The template's end-of-turn tokens stop generation even where a checkpoint's EOS ids omit them.
        var stops = ChatTemplates.For(family).StopTokens.Concat(options?.StopSequences ?? []).Distinct().ToArray();
        var generation = new GenerationOptions
        {
            MaxNewTokens = maxTokens,
            Temperature = options?.Temperature ?? 0,
            TopP = options?.TopP ?? 1.0,
            TopK = options?.TopK ?? 0,
            Seed = options?.Seed is { } seed ? unchecked((int)seed) : null,
            StopStrings = stops,
        };

        try
        {
            return generation.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }
    }

    private void Observe(CompressionRatio ratio, string question, string completion, int completionTokens)
    {
        var (cot, _) = AnswerSuffix.Split(completion);
        var cotTokens = Math.Min(_engine.CountTokens(cot), completionTokens);
        _planner.Observe(ratio, cotTokens, question, completionTokens);
    }

    private ChatResponseUpdate NewUpdate(string responseId, DateTimeOffset created, IList<AIContent> contents) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            CreatedAt = created,
            ModelId = _engine.Info.ModelId,
        };

    private static AdditionalPropertiesDictionary Report(CompressionRatio ratio, int? budget, BudgetDecision? decision)
    {
        var report = new AdditionalPropertiesDictionary { [TokenSkipOptionKeys.CompressionRatio] = ratio.Value };
        if (budget is { } tokens)
        {
            report[TokenSkipOptionKeys.TokenBudget] = tokens;
        }

        if (decision is not null)
        {
            report[TokenSkipOptionKeys.PredictedTokens] = decision.PredictedTokens;
            report[TokenSkipOptionKeys.BudgetExplanation] = decision.Explanation;
            report[TokenSkipOptionKeys.BudgetFallback] = !decision.FitsBudget;
        }

        return report;
    }
}
