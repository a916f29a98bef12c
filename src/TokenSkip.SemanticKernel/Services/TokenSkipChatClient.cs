using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenSkip.Core;
using TokenSkip.Core.Budgets;
using TokenSkip.Core.Compression;
using TokenSkip.Core.Engine;
using TokenSkip.Core.Remote;
using TokenSkip.Core.Generation;
using TokenSkip.Core.Prompts;
using TokenSkip.Core.Tools;
using TokenSkip.Core.Turns;

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
/// The prompt, defaults and report come from the <see cref="TurnPolicy"/>, the same as through the server: a model with a
/// card gets TokenSkip's prompt at the card's default γ, a plain model its chat template unless a call names γ or a budget.
/// Per call, <c>ChatOptions.AdditionalProperties</c> may set <c>compression_ratio</c> (γ) and <c>token_budget</c>
/// (completion tokens): a budget caps <c>MaxOutputTokens</c>, and a budget without γ lets the <see cref="BudgetPlanner"/>
/// (one per engine, shared by every client over it) choose γ. <c>ChatOptions.Instructions</c> and system messages are
/// placed as the card says. The final update's <c>AdditionalProperties</c> (on the message and the response once
/// aggregated, and so in SK's <c>ChatMessageContent.Metadata</c>) report the γ used and the planner's reasoning, under the
/// <see cref="TokenSkipOptionKeys"/> names.
/// <c>ChatOptions.Tools</c> are offered in the family's native tool format (when the card says the model calls tools) and
/// the calls the model writes come back as <see cref="FunctionCallContent"/> with finish reason tool calls.
/// </para>
/// </remarks>
public sealed partial class TokenSkipChatClient : IChatClient
{
    private readonly IGenerationEngine _engine;
    private readonly TokenSkipChatClientOptions _options;
    private readonly Lazy<TurnPolicy> _policy;
    private readonly ChatClientMetadata _metadata;
    private readonly ILogger _logger;

    /// <summary>Serves the model behind <paramref name="engine"/>.</summary>
    /// <param name="engine">The engine to generate with (not disposed by this client).</param>
    /// <param name="options">Client defaults; null for the defaults.</param>
    /// <param name="loggerFactory">
    /// Where warnings go (e.g. tools withheld from a model that does not call them), as MEAI's clients take it; null logs nothing.
    /// </param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public TokenSkipChatClient(IGenerationEngine engine, TokenSkipChatClientOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _logger = (ILogger?)loggerFactory?.CreateLogger<TokenSkipChatClient>() ?? NullLogger.Instance;
        _options = (options ?? new TokenSkipChatClientOptions()).Clone();
        if (_options.DefaultMaxOutputTokens < 1)
        {
            throw new ArgumentException($"DefaultMaxOutputTokens must be at least 1; got {_options.DefaultMaxOutputTokens}.", nameof(options));
        }

        // Built on first use: a remote engine learns its context length and card from the server then.
        _policy = new Lazy<TurnPolicy>(CreatePolicy);
        _metadata = new ChatClientMetadata("tokenskip", (engine as OpenAICompatibleEngine)?.Endpoint, (engine as OpenAICompatibleEngine)?.ModelId ?? engine.Info.ModelId);
    }

    /// <summary>The engine this client generates with.</summary>
    public IGenerationEngine Engine => _engine;

    /// <summary>The policy that renders prompts and plans γ for this client.</summary>
    public TurnPolicy Policy => _policy.Value;

    /// <summary>The planner that chooses γ for budget-only calls.</summary>
    public BudgetPlanner Planner => Policy.Planner;

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
        if (options?.MaxOutputTokens is < 1)
        {
            throw new ArgumentException($"MaxOutputTokens must be at least 1; got {options.MaxOutputTokens}.", nameof(options));
        }

        var policy = Policy;
        var tools = ChatMessageRenderer.ToolsOf(options);
        TurnPlan plan;
        try
        {
            plan = policy.Plan(new TurnRequest
            {
                Messages = ChatMessageRenderer.ToPromptMessages(messages),
                Instructions = options?.Instructions,
                CompressionRatio = call.Ratio?.Value,
                TokenBudget = call.TokenBudget,
                BudgetSteps = call.BudgetSteps,
                Tools = tools,
                ToolChoice = ChatMessageRenderer.ToolChoiceOf(options),
                Sampling = new TurnSampling
                {
                    MaxOutputTokens = options?.MaxOutputTokens,
                    // MEAI's knobs are floats: read them as the decimals they were written as (0.8f is 0.8, not 0.800000011).
                    Temperature = options?.Temperature is { } temperature ? (double)(decimal)temperature : null,
                    TopP = options?.TopP is { } topP ? (double)(decimal)topP : null,
                    TopK = options?.TopK,
                    Seed = options?.Seed,
                    StopSequences = options?.StopSequences?.ToArray() ?? [],
                },
            });
        }
        catch (InvalidRequestException e)
        {
            throw new ArgumentException($"{e.Parameter}: {e.Message}", nameof(options), e);
        }

        if (plan.ToolsWithheld)
        {
            LogToolsWithheld(tools!.Count, _engine.Info.ModelId);
        }

        var request = new GenerationRequest
        {
            PromptText = plan.Prompt,
            Options = plan.Options,
            MaxNewTokensRequested = plan.MaxOutputTokensRequested,
        };

        var responseId = Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow;
        var completion = new StringBuilder();

        // With tools offered, the output is scanned for the family's native calls; no half-call text reaches the stream.
        var calls = plan.OfferedTools.Count > 0 ? new ToolCallStreamFilter(_engine.Info.Family) : null;
        var called = false;
        if (calls is not null && plan.AssistantPrefix.Length > 0 && Contents(calls.Push(plan.AssistantPrefix), ref called) is { Count: > 0 } opening)
        {
            yield return NewUpdate(responseId, created, opening);
        }

        await foreach (var update in _engine.GenerateAsync(request, cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (update.TextDelta.Length > 0)
            {
                completion.Append(update.TextDelta);
                if (calls is null)
                {
                    yield return NewUpdate(responseId, created, [new TextContent(update.TextDelta)]);
                }
                else if (Contents(calls.Push(update.TextDelta), ref called) is { Count: > 0 } contents)
                {
                    yield return NewUpdate(responseId, created, contents);
                }
            }

            if (update.IsFinal)
            {
                if (calls is not null && Contents(calls.Complete(), ref called) is { Count: > 0 } rest)
                {
                    yield return NewUpdate(responseId, created, rest);
                }

                var usage = update.Usage ?? new GenerationUsage(0, 0);
                if (!called)
                {
                    policy.Complete(plan, completion.ToString(), usage.CompletionTokens, update.FinishReason ?? FinishReason.Stop);
                }

                var final = NewUpdate(responseId, created, [new UsageContent(new UsageDetails
                {
                    InputTokenCount = usage.PromptTokens,
                    OutputTokenCount = usage.CompletionTokens,
                    TotalTokenCount = usage.TotalTokens,
                })]);
                final.FinishReason = called ? ChatFinishReason.ToolCalls
                    : update.FinishReason == FinishReason.Length ? ChatFinishReason.Length : ChatFinishReason.Stop;
                final.AdditionalProperties = Report(plan);
                yield return final;

                // ToChatResponse files properties of an update with a message id under the message (which Semantic
                // Kernel copies into ChatMessageContent.Metadata); this id-less echo files them under the response too.
                yield return new ChatResponseUpdate(ChatRole.Assistant, [])
                {
                    ResponseId = responseId,
                    CreatedAt = created,
                    ModelId = _engine.Info.ModelId,
                    AdditionalProperties = final.AdditionalProperties?.Clone(),
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
            : serviceType == typeof(BudgetPlanner) ? Planner
            : serviceType == typeof(TurnPolicy) ? Policy
            : null;
    }

    /// <summary>Does nothing: the engine belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    private TurnPolicy CreatePolicy()
    {
        var info = _options.ModelCard is { } card ? _engine.Info with { Card = card } : _engine.Info;
        return TurnPolicy.For(_engine, info, _engine.CountTokens, new TurnPolicyOptions
        {
            DefaultCompressionRatio = _options.DefaultCompressionRatio,
            DefaultMaxOutputTokens = _options.DefaultMaxOutputTokens,
            InstructionPlacement = _options.InstructionPlacement,
            Planner = _options.Planner,
            ObserveCompletions = _options.ObserveCompletions,
        });
    }

    // Text and parsed calls as MEAI contents; a call becomes a FunctionCallContent the function-invoking layer runs.
    private static List<AIContent> Contents(IReadOnlyList<ToolCallStreamItem> items, ref bool called)
    {
        var contents = new List<AIContent>(items.Count);
        foreach (var item in items)
        {
            if (item.Call is { } call)
            {
                called = true;
                var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(call.ArgumentsJson);
                contents.Add(new FunctionCallContent(ParsedToolCall.NewId(), call.Name, arguments));
            }
            else if (!string.IsNullOrEmpty(item.Text))
            {
                contents.Add(new TextContent(item.Text));
            }
        }

        return contents;
    }

    private ChatResponseUpdate NewUpdate(string responseId, DateTimeOffset created, IList<AIContent> contents) =>
        new(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            CreatedAt = created,
            ModelId = _engine.Info.ModelId,
        };

    [LoggerMessage(Level = LogLevel.Warning, Message = TurnPolicy.ToolsWithheldMessage)]
    private partial void LogToolsWithheld(int count, string modelId);

    private static AdditionalPropertiesDictionary? Report(TurnPlan plan)
    {
        if (plan.Report.Count == 0)
        {
            return null;
        }

        var report = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in plan.Report)
        {
            report[key] = value;
        }

        return report;
    }
}
